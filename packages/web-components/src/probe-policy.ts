/**
 * When an element probes on its own (`probe="auto"`, the default): only once `server-url` has
 * stayed the same for this long, so a URL bound to a text input is not probed while the user
 * is still typing it. Keystrokes come 100–250 ms apart; 400 ms still feels immediate.
 */
export const PROBE_DEBOUNCE_MS = 400

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]']

/** Whether a URL may be probed: it parses, and uses `https:`, or `http:` on a loopback host. */
export function isProbeable(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url)
    return protocol === 'https:' || (protocol === 'http:' && LOOPBACK.includes(hostname))
  } catch {
    return false
  }
}
