// The demo authorization server's login and consent pages: plain HTML, every value escaped.

const escapeHtml = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  )

const SCOPE_TEXT = {
  'mcp:read': 'Read from the MCP server: list and call its tools',
  'mcp:write': 'Change data through the MCP server',
  'mcp:admin': 'Run administrative tools',
  offline_access: 'Stay connected when you are away (refresh tokens)',
}

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo Identity</title>
<style>
  :root { color-scheme: light dark; --bg: #eef2ff; --card: #fff; --text: #111827; --muted: #6b7280;
    --line: #e5e7eb; --accent: #4f46e5; --accent-text: #fff; }
  @media (prefers-color-scheme: dark) { :root { --bg: #0b1120; --card: #111827; --text: #e5e7eb;
    --muted: #9ca3af; --line: #1f2937; --accent: #818cf8; --accent-text: #0b1120; } }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg);
    color: var(--text); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
  main { width: min(400px, calc(100vw - 32px)); background: var(--card); border-radius: 16px;
    padding: 28px; box-shadow: 0 10px 30px #0002; }
  .brand { display: flex; align-items: center; gap: 10px; font-weight: 700; margin-bottom: 18px; }
  .logo { width: 28px; height: 28px; border-radius: 8px; background: var(--accent); }
  h1 { font-size: 20px; margin: 0 0 6px; }
  p { color: var(--muted); margin: 0 0 18px; }
  label { display: block; font-weight: 600; margin-bottom: 6px; }
  input { width: 100%; padding: 10px 12px; border: 1px solid var(--line); border-radius: 10px;
    font: inherit; background: transparent; color: inherit; margin-bottom: 16px; }
  button { width: 100%; padding: 10px 14px; border-radius: 10px; border: 1px solid transparent;
    font: inherit; font-weight: 600; cursor: pointer; }
  button.primary { background: var(--accent); color: var(--accent-text); }
  button.secondary { background: transparent; color: var(--text); border-color: var(--line); }
  button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  ul { list-style: none; padding: 0; margin: 0 0 20px; border: 1px solid var(--line);
    border-radius: 10px; }
  li { padding: 10px 12px; border-top: 1px solid var(--line); }
  li:first-child { border-top: 0; }
  code { font-size: 12px; color: var(--muted); }
  .actions { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
</style>
</head>
<body><main>
<div class="brand"><span class="logo" aria-hidden="true"></span>Demo Identity</div>
${body}
</main></body>
</html>`
}

/** The sign-in page. Any user name works; there is no password in this demo. */
export function renderLogin(uid) {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>This demo server accepts any user name.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="login">User name</label>
  <input id="login" name="login" value="demo" required autofocus>
  <button type="submit" class="primary">Continue</button>
</form>`,
  )
}

/** The consent page: who asks, for which server, for what. */
export function renderConsent({ uid, clientName, scopes, resource }) {
  const items = scopes
    .map(
      (scope) =>
        `<li>${escapeHtml(SCOPE_TEXT[scope] ?? scope)}<br><code>${escapeHtml(scope)}</code></li>`,
    )
    .join('')
  return page(
    'Allow access',
    `<h1>Allow ${escapeHtml(clientName)}?</h1>
<p>It asks to use <strong>${escapeHtml(resource || 'your account')}</strong> on your behalf.</p>
${items ? `<ul>${items}</ul>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm" class="actions">
  <button type="submit" id="deny" name="decision" value="deny" class="secondary">Deny</button>
  <button type="submit" id="allow" name="decision" value="allow" class="primary">Allow</button>
</form>`,
  )
}
