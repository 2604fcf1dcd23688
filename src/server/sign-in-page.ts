/** The page a browser gets from a server started with --token before it has signed in. */

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const signInPage = {
  headers: {
    'cache-control': 'no-store',
    // No script at all; the form posts to this origin only.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  },
  html: (message: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Color Wizard: sign in</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f1ec; color: #222; }
  form { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 2px 16px #0002; max-width: 22rem; width: calc(100% - 3rem); }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  label { display: block; font-weight: 600; margin-bottom: .3rem; }
  input { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; border: 1px solid #888; border-radius: 6px; }
  button { margin-top: 1rem; font: inherit; padding: .5rem 1.2rem; border: 0; border-radius: 6px; background: #1d4e89; color: #fff; cursor: pointer; }
  :focus-visible { outline: 3px solid #e0a400; outline-offset: 2px; }
  p.error { color: #a11; }
  p.note { color: #555; font-size: .9rem; }
</style>
</head>
<body>
<form method="post" action="/sign-in">
  <h1>Color Wizard</h1>
  ${message === '' ? '' : `<p class="error" role="alert">${escape(message)}</p>`}
  <label for="token">Access token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <p class="note">The server's operator set this token (<code>--token</code> or <code>COLOR_WIZARD_TOKEN</code>).</p>
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`,
};
