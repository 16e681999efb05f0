/**
 * Shared styles. Theme through the custom properties (`--mcp-accent`, `--mcp-bg`, `--mcp-fg`,
 * `--mcp-muted`, `--mcp-border`, `--mcp-danger`, `--mcp-success`, `--mcp-radius`, `--mcp-font`)
 * or through `::part()`.
 *
 * They reach the shadow roots as one constructable stylesheet (`adoptedStyleSheets`), so a page
 * under `Content-Security-Policy: default-src 'self'` needs no `'unsafe-inline'`.
 */
export const STYLES = /* css */ `
:host {
  --_accent: var(--mcp-accent, #4f46e5);
  --_bg: var(--mcp-bg, #fff);
  --_fg: var(--mcp-fg, #111827);
  --_muted: var(--mcp-muted, #6b7280);
  --_border: var(--mcp-border, #e5e7eb);
  --_danger: var(--mcp-danger, #b91c1c);
  --_success: var(--mcp-success, #047857);
  --_radius: var(--mcp-radius, 12px);
  display: block;
  font: 14px/1.5 var(--mcp-font, system-ui, -apple-system, "Segoe UI", sans-serif);
  color: var(--_fg);
}
@media (prefers-color-scheme: dark) {
  :host {
    --_accent: var(--mcp-accent, #818cf8);
    --_bg: var(--mcp-bg, #111827);
    --_fg: var(--mcp-fg, #e5e7eb);
    --_muted: var(--mcp-muted, #9ca3af);
    --_border: var(--mcp-border, #374151);
    --_danger: var(--mcp-danger, #f87171);
    --_success: var(--mcp-success, #34d399);
  }
}
:host([hidden]) { display: none; }
[part~="container"] {
  background: var(--_bg);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  padding: 16px;
  display: grid;
  gap: 12px;
  position: relative;
}
[part~="title"] { margin: 0; font-size: 15px; font-weight: 600; overflow-wrap: anywhere; }
[part~="message"] { margin: 0; overflow-wrap: anywhere; }
[part~="hint"], [part~="url"] { margin: 0; color: var(--_muted); font-size: 13px; overflow-wrap: anywhere; }
[part~="error"] { margin: 0; color: var(--_danger); }
[part~="actions"] { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
button {
  font: inherit;
  font-weight: 600;
  padding: 7px 14px;
  border-radius: calc(var(--_radius) - 4px);
  border: 1px solid var(--_border);
  background: transparent;
  color: var(--_fg);
  cursor: pointer;
}
button[part~="primary"] { background: var(--_accent); border-color: var(--_accent); color: var(--_bg); }
button[part~="danger"] { color: var(--_danger); }
button:focus-visible, input:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
form { display: grid; gap: 8px; margin: 0; }
label { display: grid; gap: 4px; font-weight: 600; font-size: 13px; }
input {
  font: inherit;
  padding: 7px 10px;
  border: 1px solid var(--_border);
  border-radius: calc(var(--_radius) - 4px);
  background: transparent;
  color: inherit;
}
[part~="spinner"] {
  display: inline-block;
  width: 12px;
  height: 12px;
  margin-inline-end: 8px;
  border: 2px solid var(--_border);
  border-top-color: var(--_accent);
  border-radius: 50%;
  animation: mcp-spin 0.8s linear infinite;
  vertical-align: -1px;
}
@keyframes mcp-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { [part~="spinner"] { animation: none; } }
[part~="pill"] {
  justify-self: start;
  font-size: 12px;
  font-weight: 600;
  padding: 2px 10px;
  border-radius: 999px;
  border: 1px solid currentColor;
  color: var(--_muted);
}
:host([status=authorized]) [part~="pill"], :host([status=open]) [part~="pill"] { color: var(--_success); }
:host([status=error]) [part~="pill"], :host([status]) [part~="pill"][data-expired] { color: var(--_danger); }
:host([status=needs-step-up]) [part~="pill"], :host([status=needs-authorization]) [part~="pill"] { color: var(--_accent); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; font-size: 13px; }
dt { color: var(--_muted); }
dd { margin: 0; overflow-wrap: anywhere; }
header { display: grid; gap: 2px; }
[part~="container"]:focus { outline: none; }
[data-slot] { display: grid; gap: 12px; }
[data-slot]:empty, [part~="actions"]:empty { display: none; }
/* Read out by screen readers, not shown: the pill and the message show the same. */
[data-sr] {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
}
input[aria-invalid="true"] { border-color: var(--_danger); }
`

/**
 * What styles the shadow roots of one element class: every root adopts the same sheet, built
 * on first use (never at import, so server-side rendering does not need `CSSStyleSheet`).
 * Where constructable stylesheets are missing, a `<style>` element is the fallback.
 */
export function styler(css: string): (root: ShadowRoot) => HTMLStyleElement | undefined {
  let sheet: CSSStyleSheet | undefined
  return (root) => {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
      if (!sheet) {
        sheet = new CSSStyleSheet()
        sheet.replaceSync(css)
      }
      root.adoptedStyleSheets = [sheet]
      return undefined
    }
    const style = document.createElement('style')
    style.textContent = css
    return style
  }
}

/** Styles a shadow root of `<mcp-authorize>` or `<mcp-server-card>`. */
export const adoptStyles = styler(STYLES)
