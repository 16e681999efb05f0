// The redirect URI's page: only the callback entry loads with it. The protocol code loads, with a
// dynamic import, only after a full-page redirect, when no window is waiting for the response.
import { handleCallback } from '@mcp-oauth/core/callback'

const message = document.getElementById('message') as HTMLElement
const result = await handleCallback()
if (!result.delivered) {
  try {
    const { makeAuth } = await import('./auth.js')
    const done = await makeAuth().completeRedirect(result.url)
    if (done) location.replace(done.returnTo ?? '/')
    else message.textContent = 'No sign-in is waiting for this response.'
  } catch {
    message.textContent = 'Sign-in failed. Close this page and try again.'
  }
}
