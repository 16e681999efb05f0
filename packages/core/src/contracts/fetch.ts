// The shape of the fetch the kit sends every request with, and the steps a request belongs to.

export type FetchLike = typeof fetch

/** The step of the flow a request belongs to, named in a `cors_blocked` error. */
export type RequestStep =
  | 'resource metadata'
  | 'authorization server metadata'
  | 'registration'
  | 'token'
  | 'revocation'
  | 'MCP'

/**
 * What the kit reads and sets of a request's headers, names always in lower case: a `Headers`,
 * or the record a plain call sends (`http/plain-call.ts`).
 */
export interface RequestHeaders {
  has(name: string): boolean
  set(name: string, value: string): void
  forEach(callback: (value: string, name: string) => void): void
}

/**
 * A resource request the kit may send more than once, without copying it each time: again after
 * a refresh, along a redirect inside the resource, or after a DPoP nonce challenge.
 */
export interface ReplayableRequest {
  readonly url: string
  readonly method: string
  /** Its headers, the kit's own copy: each send sets `Authorization` (and `DPoP`) on them. */
  readonly headers: RequestHeaders
  /** The body every send carries: the app's string as given, or a copy read once. */
  readonly body: string | ArrayBuffer | null
  /** The app's signal, if it gave one. */
  readonly signal: AbortSignal | null
  /** Sends it once more, with `headers`; redirects are not followed unless `redirect` says so. */
  send(fetch: FetchLike, redirect?: RequestRedirect): Promise<Response>
}
