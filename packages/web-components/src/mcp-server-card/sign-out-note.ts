import type { McpServerSnapshot } from '@mcp-oauth/core'
import type { McpStrings } from '../server-element/strings.js'

/**
 * What the card says after a disconnect, in plain words: revoked, or signed out only here
 * because the server does not revoke or could not be reached, with the time the access token
 * still works: the text and the ms left for its `{time}`, which the card fills in (this chunk
 * loads on demand and shares no module with the card's). `undefined` when the snapshot carries
 * no report.
 */
export function signedOutNote(
  snapshot: McpServerSnapshot | undefined,
  s: McpStrings,
  now: number,
): [text: string, left: number] | undefined {
  const report = snapshot?.revocation
  if (!report) return undefined
  const outcomes = [report.accessToken, report.refreshToken]
  if (outcomes.every((outcome) => outcome === undefined || outcome === 'revoked')) {
    return [s.revoked, 0]
  }
  const failed = outcomes.includes('failed')
  const left =
    report.accessToken !== 'revoked' && report.accessTokenExpiresAt
      ? report.accessTokenExpiresAt - now
      : 0
  if (left <= 0) return [failed ? s.revokeFailed : s.notRevoked, 0]
  return [failed ? s.revokeFailedEndsIn : s.notRevokedEndsIn, left]
}
