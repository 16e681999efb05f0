/**
 * The flow timeline's data: every request the kit makes, classified by protocol step, with its
 * URL, status and timing. It wraps the `fetch` given to `createMcpAuth`, so it sees exactly what
 * the core sends. Bodies are never read, and query parameters that could carry secrets are
 * redacted, so nothing here is secret.
 */
export type Step =
  | 'mcp'
  | 'resource-metadata'
  | 'as-metadata'
  | 'registration'
  | 'token'
  | 'refresh'
  | 'revoke'
  | 'authorization'
  | 'other'

export interface TraceEntry {
  readonly id: number
  readonly step: Step
  readonly method: string
  readonly url: string
  readonly status?: number
  /** `WWW-Authenticate` of a 401/403 answer: the challenge the flow starts from. */
  readonly challenge?: string
  readonly startedAt: number
  readonly ms?: number
  readonly note?: string
}

type Listener = (entries: readonly TraceEntry[]) => void

const SECRET_PARAMS = ['code', 'state', 'access_token', 'refresh_token', 'token', 'client_secret']

/** Replaces the value of query parameters that could carry secrets. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url)
    for (const name of SECRET_PARAMS) {
      if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '…')
    }
    return parsed.href
  } catch {
    return url
  }
}

function classify(url: URL, method: string, body: string | undefined): Step {
  const path = url.pathname
  if (path.includes('/.well-known/oauth-protected-resource')) return 'resource-metadata'
  if (
    path.includes('/.well-known/oauth-authorization-server') ||
    path.includes('/.well-known/openid-configuration')
  ) {
    return 'as-metadata'
  }
  if (method === 'POST' && /\/(reg|register|registration)$/.test(path)) return 'registration'
  if (method === 'POST' && /\/token(\/revocation|\/revoke)$|\/revoke$|\/revocation$/.test(path)) {
    return 'revoke'
  }
  if (method === 'POST' && /\/token$/.test(path)) {
    return body?.includes('grant_type=refresh_token') ? 'refresh' : 'token'
  }
  if (method === 'POST') return 'mcp'
  return 'other'
}

/** A shared, observable list of trace entries (newest last), capped in length. */
export class Trace {
  #entries: TraceEntry[] = []
  readonly #listeners = new Set<Listener>()
  #next = 1

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener)
    listener(this.#entries)
    return () => this.#listeners.delete(listener)
  }

  get entries(): readonly TraceEntry[] {
    return this.#entries
  }

  clear(): void {
    this.#set([])
  }

  /** Records an event that is not a request, such as the authorization window opening. */
  note(step: Step, note: string, url = ''): void {
    this.#push({
      id: this.#next++,
      step,
      method: '',
      url: redact(url),
      startedAt: Date.now(),
      note,
    })
  }

  /** A `fetch` that records each request before handing it to `base`. */
  wrap(base: typeof fetch = globalThis.fetch.bind(globalThis)): typeof fetch {
    return async (input, init) => {
      const request = new Request(input, init)
      const url = new URL(request.url)
      // Only form bodies are peeked at, to tell a refresh from a code exchange; never shown.
      const form = request.headers.get('content-type')?.includes('x-www-form-urlencoded')
        ? await request.clone().text()
        : undefined
      const id = this.#next++
      const startedAt = performance.now()
      const entry: TraceEntry = {
        id,
        step: classify(url, request.method, form),
        method: request.method,
        url: redact(request.url),
        startedAt: Date.now(),
      }
      this.#push(entry)
      try {
        const response = await base(request)
        const challenge = response.headers.get('www-authenticate') ?? undefined
        this.#replace(id, {
          ...entry,
          status: response.status,
          ms: Math.round(performance.now() - startedAt),
          ...(challenge && response.status >= 400 ? { challenge } : {}),
        })
        return response
      } catch (error) {
        this.#replace(id, {
          ...entry,
          ms: Math.round(performance.now() - startedAt),
          note: error instanceof Error ? error.message : 'network error',
        })
        throw error
      }
    }
  }

  #push(entry: TraceEntry): void {
    this.#set([...this.#entries, entry].slice(-200))
  }

  #replace(id: number, entry: TraceEntry): void {
    this.#set(this.#entries.map((e) => (e.id === id ? entry : e)))
  }

  #set(entries: TraceEntry[]): void {
    this.#entries = entries
    for (const listener of this.#listeners) listener(entries)
  }
}
