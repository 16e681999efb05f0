import type { McpServerSnapshot } from '@mcp-oauth/core'
import { errorMessage, type McpStrings, refusalMessage } from './strings.js'

/**
 * What a status is called: short, for the card's pill, and as a sentence, for the authorize
 * step. One entry per status, so the two elements never name a status differently. With
 * `manual` (`probe="manual"`), a server nobody probed yet is "not checked", not "checking".
 * The sentence may hold `{name}`, `{issuer}` and `{scopes}`.
 */
export function statusWords(
  snapshot: McpServerSnapshot,
  manual: boolean,
  s: McpStrings,
): [pill: string, sentence: string] {
  const code = snapshot.error?.code
  switch (snapshot.status) {
    case 'unknown':
      return manual ? [s.pillNotChecked, s.notChecked] : [s.pillChecking, s.checking]
    case 'probing':
      return [s.pillChecking, s.checking]
    case 'open':
      return [s.pillOpen, s.open]
    case 'needs-authorization':
      return [s.pillNeedsAuthorization, s.needsAuthorization]
    case 'authorizing':
      // A closed window may still deliver (COOP): the flow keeps listening.
      return [s.pillAuthorizing, snapshot.popup === 'closed' ? s.popupClosed : s.waiting]
    case 'needs-client-id':
      // After a refused registration, why; the form asks for a client ID either way.
      return [
        s.pillNeedsClientId,
        code === 'registration_refused' ? refusalMessage(s, snapshot.error) : s.clientIdTitle,
      ]
    case 'needs-token':
      // A refused token says so; the form stays for another one.
      return [s.pillNeedsToken, code === 'invalid_token' ? errorMessage(s, code) : s.tokenTitle]
    case 'needs-step-up':
      return [s.pillStepUp, s.stepUp]
    case 'cancelled':
      return code === 'access_denied' ? [s.pillDenied, s.denied] : [s.pillCancelled, s.cancelled]
    case 'disconnected':
      return [s.pillDisconnected, s.disconnected]
    case 'authorized':
    case 'refreshing':
      return [s.pillAuthorized, s.authorized]
  }
  return [s.pillError, errorMessage(s, code)]
}
