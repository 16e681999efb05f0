import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext, TracedStep } from '../contracts/context.js'
import type { ProtectedResourceMetadata } from '../contracts/discovery.js'
import type { ClientRecord } from '../contracts/records.js'
import type { TokenRoute } from '../contracts/routes.js'
import type { RevocationReport } from '../contracts/snapshot.js'
import type { ProbeResult } from '../discovery/probe.js'
import { parseWwwAuthenticate } from '../http/www-authenticate.js'
import type { IssuedTokens } from '../tokens/token-endpoint.js'
import { eventError, redactUrl } from './redact.js'
import type { McpAuthEvent, McpEventRequest } from './types.js'

/** An event before the stream numbers it. */
export type Unnumbered = McpAuthEvent extends infer E
  ? E extends McpAuthEvent
    ? Omit<E, 'seq'>
    : never
  : never

/** What the hook knows about one step when it ends. */
export interface StepRecord {
  readonly ctx: AuthContext
  readonly server: string
  readonly step: TracedStep
  readonly input: unknown
  readonly at: number
  readonly ms: number
  readonly requests: readonly McpEventRequest[]
  /** Whether another server's metadata discovery for the same issuer served this one. */
  readonly joined?: boolean
  /** A `server.fetch` call: its method, redacted URL and JSON-RPC method(s). */
  readonly call?: { method: string; url: string; rpc?: string | undefined }
}

/** The event without its `undefined` fields (JSON and `toEqual` then agree). */
function compact(event: Record<string, unknown>): Unnumbered {
  for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key]
  return event as unknown as Unnumbered
}

const some = <T>(values: readonly T[] | undefined) => (values?.length ? values : undefined)

/**
 * A `challenge` event for a `401` or `403` answer (RFC 6750 §3, RFC 9728 §5.1): the Bearer
 * challenge's parameters, or `hidden` when the page could read no challenge at all.
 */
function challengeEvent(
  base: Record<string, unknown>,
  params: Readonly<Record<string, string>> | undefined,
  otherSchemes: readonly string[],
): Record<string, unknown> {
  const hidden = !params && !otherSchemes.length
  return {
    ...base,
    type: 'challenge',
    ms: undefined,
    requests: undefined,
    hidden,
    scope: params?.scope,
    resourceMetadata: params?.resource_metadata && redactUrl(params.resource_metadata),
    challengeError: params?.error,
    otherSchemes: some(otherSchemes),
    note: hidden ? 'challenge-hidden' : undefined,
  }
}

/**
 * The events one step yields when it ends, from what it resolved with (`value`) or threw
 * (`error`). Only named, non-secret fields are copied: a client record gives its kind and ID,
 * a token response its scopes and expiry, a callback URL nothing at all.
 */
export function stepEvents(
  record: StepRecord,
  value: unknown,
  error: unknown,
  failed: boolean,
): Unnumbered[] {
  const { server, step, input, at, ms, requests, call } = record
  const first = requests[0]
  const event: Record<string, unknown> = {
    type: step,
    server,
    at,
    ms,
    url: first?.url,
    httpStatus: first?.status,
  }
  let challenge: [Readonly<Record<string, string>> | undefined, readonly string[]] | undefined
  switch (step) {
    case 'probe': {
      const result = value as ProbeResult | undefined
      Object.assign(event, { url: redactUrl(server), result: result?.kind })
      if (result?.kind === 'unauthorized') {
        event.httpStatus = result.status
        challenge = [result.challenge?.params, result.otherSchemes]
      }
      break
    }
    case 'prm':
    case 'as': {
      const prm = step === 'prm' ? (value as ProtectedResourceMetadata | undefined) : undefined
      // Stryker disable next-line ConditionalExpression: in the prm step the value is read as PRM first, so `as` is never used
      const as = step === 'as' ? (value as AuthorizationServer | undefined) : undefined
      // No `input`: the well-known URLs (PRM), or the 2025-03-26 fallback (AS).
      const fallback = typeof input !== 'string'
      const answered = prm ? redactUrl(prm.url) : as && requests.find((r) => r.status === 200)?.url
      Object.assign(event, {
        type: step === 'prm' ? 'resource-metadata' : 'authorization-server-metadata',
        url: answered ?? event.url,
        httpStatus: answered ? 200 : event.httpStatus,
        issuer:
          step === 'as' ? (as?.issuer ?? (fallback ? new URL(server).origin : input)) : undefined,
        fallback,
        answered,
        authorizationServers: prm?.authorization_servers,
        note: record.joined ? 'joined' : undefined,
      })
      break
    }
    case 'client': {
      const client = value as ClientRecord | undefined
      Object.assign(event, {
        type: 'registration',
        kind: client?.kind,
        clientId: client?.clientId || undefined,
        reused: (client?.kind === 'dynamic' && !first) || undefined,
      })
      break
    }
    case 'route': {
      const route = value as TokenRoute | undefined
      const asked = input as { url: string; dpop: string }
      Object.assign(event, {
        url: redactUrl(asked.url),
        httpStatus: undefined,
        token: route?.token,
        resource: route?.resource,
        dpop: route?.dpop,
        note: route && asked.dpop !== 'off' && route.dpop === 'off' ? 'dpop-refused' : undefined,
      })
      break
    }
    case 'window':
      Object.assign(event, { type: 'authorization', phase: failed ? 'failed' : 'delivered' })
      break
    case 'token':
    case 'refresh': {
      const issued = value as IssuedTokens | undefined
      Object.assign(event, {
        reason: step === 'refresh' ? input : undefined,
        scopes: some(issued?.scopes),
        expiresAt: issued?.expiresAt,
        refreshToken: issued && !!issued.refreshToken,
      })
      break
    }
    case 'revoke': {
      const report = value as RevocationReport | undefined
      const last = requests.at(-1)
      Object.assign(event, {
        type: 'revocation',
        httpStatus: last?.status,
        ...report,
        note:
          report?.accessToken === 'unsupported' && last?.status === 400
            ? 'token-not-revocable'
            : undefined,
      })
      break
    }
    case 'fetch': {
      const response = value as Response | undefined
      const status = response?.status
      Object.assign(event, {
        url: call?.url,
        httpStatus: status,
        method: call?.method,
        rpc: call?.rpc,
        note: call?.method === 'GET' && status === 405 ? 'sse-not-offered' : undefined,
      })
      if (status === 401 || status === 403) {
        const schemes = parseWwwAuthenticate(response!.headers.get('www-authenticate'))
        challenge = [
          schemes.find((c) => c.scheme === 'bearer')?.params,
          schemes.map((c) => c.scheme).filter((s) => s !== 'bearer'),
        ]
      }
    }
  }
  Object.assign(event, {
    error: failed ? eventError(error) : undefined,
    requests: step === 'fetch' ? undefined : some(requests),
    relay: requests.some((request) => request.relay) || undefined,
  })
  const events = [event]
  // At the step's own time: a timeline sorted by time shows it right under its request.
  if (challenge) events.push(challengeEvent(event, ...challenge))
  return events.map(compact)
}
