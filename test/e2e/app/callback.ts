import { handleCallback } from '@mcp-oauth/core/callback'
import { makeAuth } from './config.js'

const message = document.getElementById('message') as HTMLElement
const result = await handleCallback()
if (result.delivered) {
  message.textContent = 'Signed in. You can close this window.'
} else {
  // A full-page redirect (or a popup whose owner is gone): finish here, then go back.
  try {
    const done = await makeAuth().completeRedirect(result.url)
    if (done) location.replace(done.returnTo ?? '/')
    else message.textContent = 'No sign-in is waiting for this response.'
  } catch (error) {
    message.textContent = `Sign-in failed (${(error as { code?: string }).code ?? 'error'}).`
  }
}
