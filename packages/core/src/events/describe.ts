import type {
  McpAuthEvent,
  McpAuthEventType,
  McpAuthorizationEvent,
  McpEventNote,
} from './types.js'

/** The words of the event stream: step labels, explanations, the window's phases. */
export interface McpEventText {
  readonly labels: Readonly<Record<McpAuthEventType, string>>
  readonly notes: Readonly<Record<McpEventNote, string>>
  readonly phases: Readonly<Record<McpAuthorizationEvent['phase'], string>>
  /** Said of a dynamic registration kept from an earlier authorization. */
  readonly reused: string
  /** Said of a step whose requests went through the app's relay. */
  readonly relay: string
}

/** The English words {@link describeEvent} uses; the flow timeline element starts from them. */
export const EVENT_TEXT: McpEventText = {
  labels: {
    probe: 'Probe',
    challenge: 'Challenge',
    'resource-metadata': 'Resource metadata',
    'authorization-server-metadata': 'AS metadata',
    registration: 'Registration',
    route: 'Route',
    authorization: 'Authorization',
    token: 'Token',
    refresh: 'Refresh',
    'step-up': 'Step-up',
    revocation: 'Revocation',
    fetch: 'MCP',
    status: 'Status',
  },
  notes: {
    'challenge-hidden':
      'No readable WWW-Authenticate (not sent, or not in Access-Control-Expose-Headers): discovery used the well-known URLs.',
    'sse-not-offered':
      'No standalone SSE stream: it is optional in Streamable HTTP, and the client goes on without it.',
    'token-not-revocable':
      'The authorization server does not revoke this kind of access token (such as a JWT): it stays valid until it expires.',
    joined: 'Shared with another server of this issuer: no request.',
    'dpop-refused': 'CORS refuses the DPoP header: bearer tokens.',
  },
  phases: {
    opened: 'window opened',
    closed: 'window reports closed; still listening',
    delivered: 'callback delivered',
    failed: 'no callback',
  },
  reused: 'registered earlier',
  relay: 'via the relay',
}

const path = (url: string) => {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}

/**
 * What the event says beyond its label, in a few words: the request it sent, or what it
 * found. No HTTP status, note or error: {@link describeEvent} adds those.
 */
export function eventSummary(event: McpAuthEvent, text: McpEventText = EVENT_TEXT): string {
  const url = event.url ?? ''
  let parts: unknown[]
  switch (event.type) {
    case 'probe':
    // Stryker disable next-line ConditionalExpression: probe and token events have no reason: the refresh case says the same
    case 'token':
      // Stryker disable next-line ConditionalExpression: a probe event has no scopes to show
      parts = [`POST ${url}`, event.type === 'token' && event.scopes?.join(' ')]
      break
    case 'refresh':
      parts = [event.reason, `POST ${url}`, event.scopes?.join(' ')]
      break
    case 'resource-metadata':
      parts = [`GET ${url}`]
      break
    case 'authorization-server-metadata':
      // Shared with another server (`joined`): no request, the issuer says which.
      parts = [url ? `GET ${url}` : event.issuer]
      break
    case 'challenge':
      parts = [
        event.challengeError && `error=${event.challengeError}`,
        event.scope && `scope="${event.scope}"`,
        event.resourceMetadata && `resource_metadata=${event.resourceMetadata}`,
        ...(event.otherSchemes ?? []),
      ]
      break
    case 'registration':
      parts = [event.kind, event.clientId, event.reused && text.reused]
      break
    case 'route':
      parts = [
        event.token && `token ${event.token}`,
        event.resource && `resource ${event.resource}`,
        event.dpop && `DPoP ${event.dpop}`,
      ]
      break
    case 'authorization':
      parts = [text.phases[event.phase], event.url]
      break
    case 'step-up':
      parts = event.scopes.filter((scope) => !event.granted.includes(scope))
      break
    case 'revocation':
      parts = [
        event.refreshToken && `refresh_token ${event.refreshToken}`,
        event.accessToken && `access_token ${event.accessToken}`,
      ]
      break
    case 'fetch':
      parts = [`${event.method} ${event.rpc ?? path(url)}`]
      break
    case 'status':
      parts = [`${event.from} → ${event.to}`]
  }
  return [...parts, event.relay && text.relay].filter(Boolean).join(' · ')
}

/**
 * One event as a line for logs and bug reports: label, what happened, the HTTP status, the
 * explanation of an expected answer, and the error's code and message when it failed.
 */
export function describeEvent(event: McpAuthEvent, text: McpEventText = EVENT_TEXT): string {
  const status = event.httpStatus === undefined ? '' : ` → ${event.httpStatus}`
  return [
    `${text.labels[event.type]}: ${eventSummary(event, text)}${status}`,
    event.note && text.notes[event.note],
    event.error && `${event.error.code}: ${event.error.message}`,
  ]
    .filter(Boolean)
    .join(' — ')
}
