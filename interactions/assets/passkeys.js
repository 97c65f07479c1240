// Passkeys on the hosted pages. Each [data-passkey-ceremony] block names its ceremony and its two
// endpoints; this script asks the server for options, the browser (through @simplewebauthn/browser,
// served from this origin) for the passkey, sends the answer back and follows where it leads.
// Without JavaScript or WebAuthn the blocks stay invisible and the forms work as they are.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  if (!lib || !lib.browserSupportsWebAuthn()) return;

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) throw new Error(json.message || response.statusText);
        return json;
      });
    });
  }

  function valueOf(id) {
    var field = document.getElementById(id);
    return field ? field.value : '';
  }

  /** Runs one ceremony of `block`; `browserAutofill` for the sign-in page's conditional UI. */
  function run(block, browserAutofill) {
    var ceremony = block.getAttribute('data-passkey-ceremony');
    var csrf = block.getAttribute('data-csrf');
    var extra = {};
    if (ceremony === 'sign-up') extra = { email: valueOf('email'), invite_token: valueOf('invite_token') };
    if (ceremony === 'second-factor') extra = { mode: 'second_factor' };
    var registering = ceremony === 'register' || ceremony === 'sign-up';
    return post(block.getAttribute('data-options-url'), Object.assign({ _csrf: csrf }, extra))
      .then(function (start) {
        var ask = registering
          ? lib.startRegistration({ optionsJSON: start.options })
          : lib.startAuthentication({ optionsJSON: start.options, useBrowserAutofill: Boolean(browserAutofill) });
        return ask.then(function (response) {
          return post(block.getAttribute('data-finish-url'), { _csrf: csrf, challenge_id: start.challenge_id, response: response, name: valueOf('passkey-name') || undefined });
        });
      })
      .then(function (done) {
        window.location.assign(done.location);
      });
  }

  function showError(block, error) {
    var box = block.querySelector('[data-passkey-error]');
    if (!box) return;
    // A person who closed the device's prompt hears that nothing happened, not a technical error.
    var cancelled = error && (error.name === 'NotAllowedError' || error.name === 'AbortError' || error.code === 'ERROR_CEREMONY_ABORTED');
    box.textContent = cancelled ? block.getAttribute('data-cancelled') : error.message;
    box.hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-passkey-ceremony]'), function (block) {
    var button = block.querySelector('[data-passkey-start]');
    if (!button) return;
    block.classList.add('ready');
    button.addEventListener('click', function () {
      button.disabled = true;
      var box = block.querySelector('[data-passkey-error]');
      if (box) box.hidden = true;
      run(block, false).catch(function (error) {
        button.disabled = false;
        showError(block, error);
      });
    });
    // Conditional UI: the browser offers passkeys in the email field's autofill, where it can.
    if (block.getAttribute('data-autofill') === 'true' && lib.browserSupportsWebAuthnAutofill) {
      lib.browserSupportsWebAuthnAutofill().then(function (supported) {
        if (supported) run(block, true).catch(function () { /* autofill dismissed or replaced by the button */ });
      });
    }
  });
})();
