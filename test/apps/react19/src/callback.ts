import { handleCallback } from '@mcp-oauth/core/callback'
import { makeAuth } from './auth.js'

const message = document.getElementById('message') as HTMLElement
const result = await handleCallback()
if (!result.delivered) {
  // A full-page redirect: finish here, then go back to where the user was.
  const done = await makeAuth().completeRedirect(result.url)
  if (done) location.replace(done.returnTo ?? '/')
  else message.textContent = 'No sign-in is waiting for this response.'
}
