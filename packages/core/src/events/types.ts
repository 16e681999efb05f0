import type { RegistrationKind } from '../contracts/client.js'
import type { DpopMode } from '../contracts/dpop.js'
import type { Route } from '../contracts/routes.js'
import type { McpServerStatus, RevocationOutcome } from '../contracts/snapshot.js'
import type { McpAuthErrorCode } from '../errors.js'

/** The protocol step an event reports; the discriminant of {@link McpAuthEvent}. */
export type McpAuthEventType = McpAuthEvent['type']

/**
 * A typed error as an event carries it: the stable code, the kit's message and its
 * diagnostic details. Never the underlying `cause`, never a secret.
 */
export interface McpEventError {
  readonly code: McpAuthErrorCode
  readonly message: string
  /** Transient errors keep tokens and may be retried (the network or the server failed). */
  readonly transient: boolean
  /** The error's `details`: plain values only, URLs redacted. */
  readonly details?: Readonly<Record<string, string | number | boolean | readonly string[]>>
}

/** One HTTP request a step sent. Headers and bodies are never recorded. */
export interface McpEventRequest {
  readonly method: string
  /** The URL, with the values of parameters that may carry secrets replaced by `…`. */
  readonly url: string
  /** The HTTP status; absent when no response came. */
  readonly status?: number
  /** Why no response came: the network (offline, DNS, CORS) or the kit stopped waiting. */
  readonly failure?: 'network' | 'aborted'
  /** Sent through the app's relay (`createMcpAuth({ relay })`), to the URL above. */
  readonly relay?: true
  /** When it was sent, epoch milliseconds. */
  readonly at: number
  /** How long it took, in milliseconds. */
  readonly ms: number
}

/**
 * Something the stream explains, so that an expected answer is not taken for a failure:
 * - `challenge-hidden`: a `401` whose `WWW-Authenticate` the page could not read (not sent, or
 *   not listed in `Access-Control-Expose-Headers`); discovery fell back to the well-known URLs.
 * - `sse-not-offered`: `GET` answered `405`: the server offers no standalone SSE stream, which
 *   is optional in MCP's Streamable HTTP transport; clients such as the MCP SDK carry on.
 * - `token-not-revocable`: the authorization server does not revoke this kind of access token
 *   (RFC 7009 §2.2.1 `unsupported_token_type`, as oidc-provider answers for JWT access tokens);
 *   it stays valid until it expires.
 * - `joined`: another server's discovery of the same authorization server's metadata, under
 *   way or done on this page, served this server too: no request of its own.
 * - `dpop-refused`: a CORS policy (the token endpoint's or the resource's) does not allow the
 *   `dpop` header, and no relay takes the requests: in `'auto'` mode the tokens are bearer
 *   tokens (RFC 9449 is not used with this server).
 */
export type McpEventNote =
  | 'challenge-hidden'
  | 'sse-not-offered'
  | 'token-not-revocable'
  | 'joined'
  | 'dpop-refused'

/** What every event carries. */
interface EventBase<T extends string> {
  readonly type: T
  /** Counts the events of one `createMcpAuth()` instance, from 1. */
  readonly seq: number
  /** The canonical URL of the MCP server the step belongs to. */
  readonly server: string
  /** When the step started, epoch milliseconds. */
  readonly at: number
  /** How long the step took, in milliseconds; absent for instant events. */
  readonly ms?: number
  /** The URL the step is about (redacted like every URL in an event). */
  readonly url?: string
  /** The HTTP status that decided the step. */
  readonly httpStatus?: number
  /** Set when the step failed. */
  readonly error?: McpEventError
  readonly note?: McpEventNote
  /** The requests the step sent, in the order they were sent. */
  readonly requests?: readonly McpEventRequest[]
  /** A request of the step went through the app's relay. */
  readonly relay?: true
}

/** The unauthenticated MCP request that finds out whether the server needs authorization. */
export interface McpProbeEvent extends EventBase<'probe'> {
  /** `unauthorized` for a `401`/`403`; absent when the probe failed. */
  readonly result?: 'open' | 'unauthorized'
}

/**
 * A `WWW-Authenticate` challenge from a `401` or `403` (RFC 6750 §3, RFC 9728 §5.1), as the
 * kit parsed it; `hidden` when the page could not read the header.
 */
export interface McpChallengeEvent extends EventBase<'challenge'> {
  readonly hidden: boolean
  /** The Bearer challenge's parameters, when one was readable. */
  readonly scope?: string
  readonly resourceMetadata?: string
  /** The challenge's `error`, e.g. `invalid_token` or `insufficient_scope`. */
  readonly challengeError?: string
  /** Schemes other than Bearer that were offered (e.g. `dpop`). */
  readonly otherSchemes?: readonly string[]
}

/**
 * Protected resource metadata discovery (RFC 9728): `requests` lists the URLs tried, in
 * priority order (sent at once), `answered` the one whose document was used.
 */
export interface McpResourceMetadataEvent extends EventBase<'resource-metadata'> {
  /** Whether the well-known URLs were used because no `resource_metadata` was challenged. */
  readonly fallback: boolean
  readonly answered?: string
  readonly authorizationServers?: readonly string[]
}

/**
 * Authorization server metadata discovery (RFC 8414, OpenID Connect Discovery): `requests`
 * lists the URLs tried (the one that answered last time goes alone first), `answered` the one
 * used. No request when another server's discovery was joined (`note: 'joined'`).
 */
export interface McpAuthorizationServerMetadataEvent
  extends EventBase<'authorization-server-metadata'> {
  readonly issuer: string
  /** The 2025-03-26 fallback: metadata at the server's origin, or the default endpoints. */
  readonly fallback: boolean
  readonly answered?: string
}

/** The client identity an authorization uses (MCP "Client Registration Approaches"). */
export interface McpRegistrationEvent extends EventBase<'registration'> {
  /** Absent when no client identity could be had (`needs-client-id`). */
  readonly kind?: RegistrationKind
  readonly clientId?: string
  /** A dynamic registration made earlier and kept for this authorization server: no request. */
  readonly reused?: true
}

/**
 * The routes of an authorization, decided before its authorization URL is built, so that its
 * code and refresh tokens are sent only once their route is known: how its token requests and
 * its resource requests go (`direct`, or through the app's relay), and the DPoP mode of its
 * tokens (`off`: bearer tokens). `url` is the token endpoint; `requests` are the checks made,
 * harmless requests with the headers the real ones will carry.
 */
export interface McpRouteEvent extends EventBase<'route'> {
  readonly token?: Route
  readonly resource?: Route
  readonly dpop?: DpopMode
}

/**
 * The authorization window: `opened` with the authorization URL, `closed` when the popup
 * reports closed (the flow keeps listening: under Cross-Origin-Opener-Policy it may still
 * come back), `delivered` when the callback arrived, `failed` when the wait ended without one.
 */
export interface McpAuthorizationEvent extends EventBase<'authorization'> {
  readonly phase: 'opened' | 'closed' | 'delivered' | 'failed'
  /** The scopes asked for (from the authorization URL). */
  readonly scopes?: readonly string[]
}

/** What a token response granted; never the tokens. */
interface Granted {
  readonly scopes?: readonly string[]
  /** Epoch milliseconds. */
  readonly expiresAt?: number
  /** Whether a refresh token is held after this response. */
  readonly refreshToken?: boolean
}

/** The authorization code exchange (OAuth 2.1 §4.1.3). */
export interface McpTokenEvent extends EventBase<'token'>, Granted {}

/** Why the kit refreshed: the access token was about to expire, or the resource refused it. */
export type McpRefreshReason = 'expiring' | 'invalid_token' | 'unauthorized'

/** A refresh (OAuth 2.1 §4.3). */
export interface McpRefreshEvent extends EventBase<'refresh'>, Granted {
  readonly reason: McpRefreshReason
}

/** A `403 insufficient_scope`: the next authorization asks for `scopes`. */
export interface McpStepUpEvent extends EventBase<'step-up'> {
  /** Every scope the next authorization requests: those granted and those challenged. */
  readonly scopes: readonly string[]
  /** The scopes granted so far. */
  readonly granted: readonly string[]
}

/** Token revocation at disconnect (RFC 7009). */
export interface McpRevocationEvent extends EventBase<'revocation'> {
  readonly accessToken?: RevocationOutcome
  readonly refreshToken?: RevocationOutcome
  /** When the access token still expires, if it could not be revoked; epoch milliseconds. */
  readonly accessTokenExpiresAt?: number
}

/** One call of `server.fetch`. */
export interface McpFetchEvent extends EventBase<'fetch'> {
  readonly method: string
  /** The JSON-RPC method(s) of an MCP request (`tools/call`), never their parameters. */
  readonly rpc?: string
  /** The server's status before and after, when the call changed it. */
  readonly from?: McpServerStatus
  readonly to?: McpServerStatus
}

/** The server's status changed (the snapshot's `status`, or its popup state). */
export interface McpStatusEvent extends EventBase<'status'> {
  readonly from: McpServerStatus
  readonly to: McpServerStatus
}

/**
 * One event of the stream: a discriminated union on `type`. Events are plain, frozen data,
 * JSON-serialisable, with every secret (codes, verifiers, tokens, client secrets, `state`,
 * DPoP proofs) left out at the source.
 */
export type McpAuthEvent =
  | McpProbeEvent
  | McpChallengeEvent
  | McpResourceMetadataEvent
  | McpAuthorizationServerMetadataEvent
  | McpRegistrationEvent
  | McpRouteEvent
  | McpAuthorizationEvent
  | McpTokenEvent
  | McpRefreshEvent
  | McpStepUpEvent
  | McpRevocationEvent
  | McpFetchEvent
  | McpStatusEvent

/** Receives each event as it happens. */
export type McpAuthEventListener = (event: McpAuthEvent) => void
