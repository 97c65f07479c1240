// Optional enhancement for /account and the console: reveals the Copy button beside the one-time invitation link.
// Without it the link stays in a readonly field that selects and copies as any text does.
(function () {
  var buttons = document.querySelectorAll('button[data-copy-target]');
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute('data-copy-target'));
    if (!field || !navigator.clipboard) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener('click', function () {
      field.select();
      navigator.clipboard.writeText(field.value).then(
        function () { button.textContent = button.getAttribute('data-copied') || 'Copied'; setTimeout(function () { button.textContent = label; }, 2000); },
        function () { field.focus(); }
      );
    });
  });
})();
