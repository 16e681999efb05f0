import { handleCallback } from '@mcp-oauth/core/callback'

const message = document.getElementById('message') as HTMLElement
const result = await handleCallback()
if (result.delivered) {
  message.textContent = 'Signed in. You can close this window.'
} else {
  // A full-page redirect: finish here with the app's own configuration, then go back.
  const { auth } = await import('./setup.js')
  try {
    const done = await auth.completeRedirect(result.url)
    if (done) location.replace(done.returnTo ?? '/')
    else message.textContent = 'No sign-in is waiting for this response.'
  } catch (error) {
    message.textContent = `Sign-in failed (${(error as { code?: string }).code ?? 'error'}).`
  }
}
