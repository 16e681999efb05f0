/** One measured phase. */
export interface Phase {
  requests: number
  /** Critical-path depth: see round-trips.mjs. */
  roundTrips: number
  /** `depth METHOD /path`, in the order sent. */
  log: string[]
  ms: number
}

export interface Phases {
  first: Phase
  again: Phase
  stepUp: Phase
}

export type Layout = 'friendly' | 'fallback'

export function countingFetch(): {
  fetch: typeof fetch
  reset(): void
  phase(): Phase
}

export function measureKit(options: { layout: Layout; delay?: number }): Promise<Phases>

export function measureSdk(options: {
  layout: Layout
  delay?: number
  cacheDiscovery?: boolean
}): Promise<Phases>

export function measureProbes(options: {
  layout: Layout
  delay?: number
  servers?: number
}): Promise<{ first: Phase; next: Phase }>
