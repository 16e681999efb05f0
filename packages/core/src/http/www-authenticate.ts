/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** The auth scheme, lower-cased (`bearer`, `dpop`, ...). */
  readonly scheme: string
  /** Parameters by lower-cased name; quoted strings are unescaped. The first of duplicates wins. */
  readonly params: Readonly<Record<string, string>>
  readonly token68?: string
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/

/**
 * Parses a `WWW-Authenticate` field value into its challenges (RFC 9110 §11.6.1, §5.6):
 * several challenges in one value (or in several headers joined by commas), case-insensitive
 * schemes and parameter names, quoted strings with backslash escapes, and token68.
 * Malformed input never throws: whatever parsed cleanly before the fault is returned.
 */
export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  if (!header) return []
  const challenges: AuthChallenge[] = []
  let i = 0
  const n = header.length

  const skipWs = () => {
    while (header[i] === ' ' || header[i] === '\t') i++
  }
  const skipWsAndCommas = () => {
    while (header[i] === ' ' || header[i] === '\t' || header[i] === ',') i++
  }
  const readToken = (): string => {
    const start = i
    // Stryker disable next-line EqualityOperator: past the end the slice stops at n, and every later step sees the end
    while (i < n && TCHAR.test(header[i]!)) i++
    return header.slice(start, i)
  }
  const readQuoted = (): string | undefined => {
    // header[i] === '"'
    i++
    let out = ''
    // Stryker disable next-line EqualityOperator: one more turn past the end still returns undefined
    while (i < n) {
      const c = header[i]!
      if (c === '\\') {
        out += header[i + 1]
        i += 2
      } else if (c === '"') {
        i++
        return out
      } else {
        out += c
        i++
      }
    }
    return undefined // unterminated
  }

  try {
    // Stryker disable next-line EqualityOperator: one more turn at the end reads no scheme and returns the same
    while (i < n) {
      skipWsAndCommas()
      const scheme = readToken().toLowerCase()
      if (!scheme) return challenges // garbage where a scheme should be
      const params: Record<string, string> = {}
      let token68: string | undefined
      skipWs()

      // token68 (RFC 9110 §11.2): a run of token68 chars, '=' padding, then the end or a comma.
      const t68Start = i
      while (i < n && TOKEN68_CHAR.test(header[i]!)) i++
      let j = i
      while (header[j] === '=') j++
      let k = j
      while (header[k] === ' ' || header[k] === '\t') k++
      if (i > t68Start && (k >= n || header[k] === ',')) {
        token68 = header.slice(t68Start, j)
        i = j
      } else {
        i = t68Start
        // auth-params, comma separated, until a token not followed by '=' (the next scheme)
        for (;;) {
          skipWsAndCommas()
          const save = i
          const name = readToken()
          if (!name) return [...challenges, { scheme, params }]
          skipWs()
          if (header[i] !== '=') {
            i = save // a new challenge starts here
            break
          }
          i++
          skipWs()
          let value: string | undefined
          if (header[i] === '"') value = readQuoted()
          else value = readToken() || undefined // a token is 1*tchar: `name=` is malformed
          if (value === undefined) return [...challenges, { scheme, params }]
          const key = name.toLowerCase()
          if (!(key in params)) params[key] = value
          skipWs()
          if (header[i] !== ',') {
            // junk after a value: stop here, keeping what parsed
            return [...challenges, { scheme, params }]
          }
        }
      }
      challenges.push(token68 === undefined ? { scheme, params } : { scheme, params, token68 })
    }
  } catch {
    return challenges
  }
  return challenges
}

/** The first `Bearer` challenge, if any. */
export function bearerChallenge(header: string | null | undefined): AuthChallenge | undefined {
  return parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer')
}

/**
 * The challenge of a token scheme: `preferred` first (the scheme the request used), else
 * `Bearer` (RFC 6750 §3), else `DPoP` (RFC 9449 §7.1, which takes the same parameters).
 */
export function tokenChallenge(
  header: string | null | undefined,
  // Stryker disable next-line StringLiteral: Bearer is tried next anyway
  preferred = 'bearer',
): AuthChallenge | undefined {
  const challenges = parseWwwAuthenticate(header)
  const of = (scheme: string) => challenges.find((c) => c.scheme === scheme)
  return of(preferred) ?? of('bearer') ?? of('dpop')
}

/** Splits a space-delimited scope string (RFC 6749 §3.3) into unique scopes, in order. */
export function splitScopes(scope: string | undefined | null): string[] {
  if (!scope) return []
  // Stryker disable next-line Regex: the empty strings a single-blank split leaves are filtered out
  return [...new Set(scope.split(/[ \t]+/).filter(Boolean))]
}
