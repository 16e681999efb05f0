import { STYLES, styler } from '../host/styles.js'

/**
 * `<mcp-flow-timeline>`'s styles, on top of the shared ones: the same custom properties
 * (`--mcp-accent`, `--mcp-bg`, `--mcp-fg`, `--mcp-muted`, `--mcp-border`, `--mcp-danger`,
 * `--mcp-success`, `--mcp-radius`, `--mcp-font`) and `::part()` names. One sheet for the class.
 */
export const TIMELINE_STYLES = /* css */ `${STYLES}
[part~="header"] { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }
[part~="summary"], [part~="empty"] { margin: 0; color: var(--_muted); font-size: 13px; }
[part~="log"] { max-height: var(--mcp-timeline-height, 420px); overflow: auto; border-top: 1px solid var(--_border); padding-top: 8px; }
[part~="log"]:focus-visible, summary:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
[part~="servers"] { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 300px), 1fr)); gap: 16px; align-items: start; }
[part~="server"] { display: grid; gap: 4px; min-width: 0; }
[part~="server-name"] { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
ol { list-style: none; margin: 0; padding: 0; }
[part~="row"] { display: grid; grid-template-columns: auto 1fr auto; gap: 0 8px; padding: 6px 0 6px 8px; border-top: 1px solid var(--_border); border-left: 3px solid transparent; font-size: 13px; }
[part~="row"] > :nth-child(n + 4) { grid-column: 1 / -1; }
[part~="failed"] { border-left-color: var(--_danger); }
[part~="explained"] { border-left-color: var(--_accent); }
[part~="time"], [part~="result"], [part~="status"] [part~="step"], summary { color: var(--_muted); font-variant-numeric: tabular-nums; }
[part~="step"] { font-weight: 600; }
[part~="failed"] [part~="step"], [part~="failed"] [part~="error"] { color: var(--_danger); }
[part~="error"] { margin: 2px 0 0; }
[part~="status"] [part~="error"] { color: var(--_fg); }
[part~="detail"], pre, li li { overflow-wrap: anywhere; }
[part~="note"] { margin: 2px 0 0; }
[part~="bar"] { height: 4px; margin-top: 4px; border-radius: 2px; background: var(--_border); }
[part~="bar-fill"] { display: block; height: 100%; min-width: 2px; border-radius: 2px; background: var(--_accent); }
[part~="failed"] [part~="bar-fill"] { background: var(--_danger); }
details { font-size: 12px; margin-top: 2px; }
summary { cursor: pointer; }
pre, [part~="requests"] ul { margin: 4px 0 0; padding: 0; white-space: pre-wrap; font: 12px/1.4 ui-monospace, monospace; list-style: none; }
button { padding: 4px 10px; font-size: 13px; }
`

/** Styles a shadow root of `<mcp-flow-timeline>`. */
export const adoptTimelineStyles = styler(TIMELINE_STYLES)
