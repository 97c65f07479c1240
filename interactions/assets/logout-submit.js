// Submits the sign-out the app asked for with its proof of the session: there is nothing to ask.
document.getElementById('op.logoutForm').submit();
