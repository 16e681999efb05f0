// The redirect URI's page. It loads only the callback entry (about 1 KB); the protocol code
// loads, with a dynamic import, only after a full-page redirect, when nobody else is waiting.
import { handleCallback } from '@mcp-oauth/core/callback'

const message = document.getElementById('message') as HTMLElement
const result = await handleCallback()
if (!result.delivered) {
  try {
    const { auth } = await import('./auth.js')
    const done = await auth.completeRedirect(result.url)
    if (done) location.replace(done.returnTo ?? '/')
    else message.textContent = 'No sign-in is waiting for this response.'
  } catch {
    message.textContent = 'Sign-in failed. Close this page and try again.'
  }
}
