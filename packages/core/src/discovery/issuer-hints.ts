import type { IssuerHints } from '../contracts/discovery.js'

/** An empty {@link IssuerHints}; one per auth instance. */
export const issuerHints = (): IssuerHints => ({ urls: new Map(), pending: new Map() })
