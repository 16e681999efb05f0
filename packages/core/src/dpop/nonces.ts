import { parseWwwAuthenticate } from '../http/www-authenticate.js'

/**
 * The latest `DPoP-Nonce` of each origin (RFC 9449 §8, §9), shared by every key of one
 * `createMcpAuth()`, so that the next proof to that origin carries it without a failed round
 * trip. Memory only: a nonce is short-lived, and after a reload one challenge costs one retry.
 */
export class DpopNonces {
  readonly #byOrigin = new Map<string, string>()
  readonly #limit: number

  constructor(limit = 100) {
    this.#limit = limit
  }

  get(url: string | URL): string | undefined {
    const origin = originOf(url)
    return origin === undefined ? undefined : this.#byOrigin.get(origin)
  }

  /** Remembers the `DPoP-Nonce` a response from `url` carries, if any (RFC 9449 §8.2). */
  remember(url: string | URL, response: Response): string | undefined {
    const nonce = response.headers.get('dpop-nonce')?.trim()
    const origin = originOf(url)
    if (!nonce || origin === undefined) return undefined
    this.#byOrigin.delete(origin)
    if (this.#byOrigin.size >= this.#limit) {
      const oldest = this.#byOrigin.keys().next().value
      if (oldest !== undefined) this.#byOrigin.delete(oldest)
    }
    this.#byOrigin.set(origin, nonce)
    return nonce
  }
}

function originOf(url: string | URL): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/**
 * A token endpoint asking for a nonce: HTTP 400 with `error: use_dpop_nonce` and a
 * `DPoP-Nonce` to use (RFC 9449 §8). Reads a clone: the response stays unread for the caller.
 */
export async function isTokenEndpointNonceChallenge(response: Response): Promise<boolean> {
  if (response.status !== 400 || !response.headers.get('dpop-nonce')) return false
  try {
    const body: unknown = await response.clone().json()
    // Stryker disable next-line OptionalChaining: a null body then throws, which the catch turns into the same false
    return (body as { error?: unknown } | null)?.error === 'use_dpop_nonce'
  } catch {
    return false
  }
}

/**
 * A resource server asking for a nonce: HTTP 401 with a `DPoP` challenge whose error is
 * `use_dpop_nonce`, and a `DPoP-Nonce` to use (RFC 9449 §9).
 */
export function isResourceNonceChallenge(response: Response): boolean {
  if (response.status !== 401 || !response.headers.get('dpop-nonce')) return false
  return parseWwwAuthenticate(response.headers.get('www-authenticate')).some(
    (challenge) => challenge.scheme === 'dpop' && challenge.params.error === 'use_dpop_nonce',
  )
}
