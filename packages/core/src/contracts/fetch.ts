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
