/**
 * When an element probes on its own (`probe="auto"`, the default): only once `server-url` has
 * stayed the same for this long, so a URL bound to a text input is not probed while the user
 * is still typing it. Keystrokes come 100–250 ms apart; 400 ms still feels immediate.
 */
export const PROBE_DEBOUNCE_MS = 400
