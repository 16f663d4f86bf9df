// SafeMap viewer sign-in: shows who is signed in, a "Sign in" dialog (login, password, purpose) and "Sign out".
// The session lives in an HttpOnly cookie the page cannot read; the page holds only the session's CSRF token, which
// every request that changes something (POST, PUT, PATCH, DELETE) sends back in X-CSRF-Token. After signing in or out
// the page reloads, so the layer list and the map are drawn afresh for the new audience (the view stays in the URL).
'use strict';

(function () {
  const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
  let csrf = null;
  let current = null;

  // Every same-origin fetch that changes something carries the CSRF token; app.js needs no change for it.
  const plainFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    const options = Object.assign({}, init || {});
    const method = String(options.method || (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    if (csrf && UNSAFE.has(method) && url.origin === window.location.origin) {
      const headers = new Headers(options.headers || (input instanceof Request ? input.headers : undefined));
      headers.set('X-CSRF-Token', csrf);
      options.headers = headers;
    }
    return plainFetch(input, options).then(response => {
      // The server ended the session (expired, signed out elsewhere, user disabled): say so, offer to sign in.
      if (response.status === 401 && csrf && url.origin === window.location.origin) {
        csrf = null;
        who.textContent = 'Your session has ended: sign in again';
        signIn.hidden = false;
        signOut.hidden = true;
      }
      return response;
    });
  };

  const who = document.getElementById('auth-who');
  const signIn = document.getElementById('sign-in');
  const signOut = document.getElementById('sign-out');
  const dialog = document.getElementById('sign-in-dialog');
  const form = document.getElementById('sign-in-form');
  const error = document.getElementById('sign-in-error');
  const purpose = document.getElementById('sign-in-purpose');

  function label(code) {
    return code.charAt(0).toUpperCase() + code.slice(1).replace(/-/g, ' ');
  }

  function show(session) {
    current = session;
    csrf = session.csrf || null;
    document.body.dataset.user = session.signedIn ? session.user : '';
    if (session.signedIn) {
      const detail = [session.role, session.partner].filter(Boolean).join(', ');
      who.textContent = 'Signed in as ' + (session.name || session.user) + ' (' + detail + ')'
        + (session.purpose ? ' for ' + label(session.purpose).toLowerCase() : '');
    } else {
      who.textContent = 'Public view';
    }
    signIn.hidden = session.signedIn;
    // A token-authenticated client has no session to end from this page.
    signOut.hidden = !(session.signedIn && session.via === 'session');
    purpose.replaceChildren(new Option('None declared (public level only)', ''),
      ...(session.purposes || []).map(code => new Option(label(code), code)));
    document.dispatchEvent(new CustomEvent('safemap-session', { detail: session }));
  }

  async function load() {
    try {
      const response = await plainFetch('/api/session', { headers: { Accept: 'application/json' } });
      show(await response.json());
    } catch (e) {
      who.textContent = '';
      signIn.hidden = false;
      current = { signedIn: false };
      document.dispatchEvent(new CustomEvent('safemap-session', { detail: { signedIn: false } }));
    }
  }

  // For other panels: who is signed in (null until known), and the CSRF token for requests fetch does not carry
  // (an upload with progress goes through XMLHttpRequest).
  window.SafeMapAuth = { session: () => current, csrf: () => csrf, openSignIn: () => signIn.click() };

  signIn.addEventListener('click', () => {
    error.textContent = '';
    form.reset();
    dialog.showModal();
    document.getElementById('sign-in-login').focus();
  });

  document.getElementById('sign-in-cancel').addEventListener('click', () => dialog.close());

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const submit = document.getElementById('sign-in-submit');
    submit.disabled = true;
    error.textContent = '';
    try {
      const response = await plainFetch('/api/session', {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ login: form.login.value, password: form.password.value, purpose: purpose.value || null })
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        error.textContent = body.message || ('Sign-in failed (' + response.status + ')');
        form.password.value = '';
        form.password.focus();
        return;
      }
      window.location.reload();
    } catch (e) {
      error.textContent = 'SafeMap did not answer: ' + e.message;
    } finally {
      submit.disabled = false;
    }
  });

  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    try {
      await window.fetch('/api/session', { method: 'DELETE' });
    } finally {
      window.location.reload();
    }
  });

  load();
})();
