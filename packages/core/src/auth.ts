import { browserDriver } from './browser/driver.js'
import { finishLandedCallback } from './browser/landing.js'
import { loadRedirect } from './connect/load.js'
import { loadExchange } from './connect/load-steps.js'
import type { AuthorizeOptions } from './contracts/authorize.js'
import type { AuthContext } from './contracts/context.js'
import type { AuthorizationDriver, DriverSession, InteractiveDriver } from './contracts/driver.js'
import type { McpAuth } from './contracts/instance.js'
import type { McpAuthOptions } from './contracts/options.js'
import type { PendingRecord } from './contracts/records.js'
import { tabChannel } from './coordination/tab-channel.js'
import { issuerHints } from './discovery/issuer-hints.js'
import { ConfigurationError } from './errors.js'
import { dpopLoader } from './handle/dpop-loader.js'
import { ServerHandle } from './handle/server-handle.js'
import { defaultFetch } from './http/transport-error.js'
import { assertSecureUrl, canonicalResourceUri } from './http/urls.js'
import { routedFetch } from './routing/routed-fetch.js'
import { defaultStorage } from './storage/indexeddb.js'
import { keys, readRecord } from './storage/records.js'
import { contexts } from './tracing.js'

function sessionFor(
  driver: AuthorizationDriver | InteractiveDriver | undefined,
  options: AuthorizeOptions,
): DriverSession {
  if (!driver) {
    throw new ConfigurationError(
      'invalid_configuration',
      'No authorization driver: pass `driver` to createMcpAuth() outside a browser',
    )
  }
  if (typeof driver === 'function') return { navigate: driver, close() {} }
  return driver.begin(options)
}

/**
 * Creates the kit's core instance. See the README for a walk-through.
 * @param options redirect URI, client metadata, pre-registered clients, storage, fetch, driver,
 * DPoP mode, and the app's relay for servers a browser cannot reach by itself.
 */
export function createMcpAuth(
  options: Omit<McpAuthOptions, 'driver'> & {
    driver?: AuthorizationDriver | InteractiveDriver
  },
): McpAuth {
  const redirectUri = assertSecureUrl(options.redirectUri, 'redirectUri').href
  if (options.client?.metadataUrl !== undefined)
    assertSecureUrl(options.client.metadataUrl, 'client.metadataUrl')
  const storage = options.storage ?? defaultStorage()
  const driver = options.driver ?? (typeof window === 'undefined' ? undefined : browserDriver())
  const handles = new Map<string, ServerHandle>()
  const tabs = tabChannel()
  const consumed = new Set<string>()
  const serverListeners = new Set<() => void>()
  const fetchFn: typeof fetch = options.fetch ?? defaultFetch
  const dpop = options.dpop ?? 'auto'
  // A typo must not turn sender-constrained tokens off without a word.
  if (!/^(auto|required|off)$/.test(dpop)) {
    throw new ConfigurationError('invalid_configuration', `dpop: ${dpop}`)
  }

  const routes = options.relay ? { relay: options.relay, learned: new Set<string>() } : undefined

  const ctx: AuthContext = {
    fetch: routes ? routedFetch(routes, fetchFn) : fetchFn,
    routes,
    storage,
    tabs,
    redirectUri,
    preRegistered: options.preRegistered ?? {},
    clientMetadata: options.client,
    protocolVersion: options.protocolVersion ?? '2025-11-25',
    refreshSkewMs: (options.refreshSkewSeconds ?? 60) * 1000,
    maxStepUpAttempts: options.maxStepUpAttempts ?? 3,
    legacyEndpointFallback: options.legacyEndpointFallback ?? false,
    dpop: dpopLoader(dpop, storage),
    issuerHints: issuerHints(),
    beginAuthorization: (authorizeOptions) => sessionFor(driver, authorizeOptions),
    async takePending(state) {
      if (!state || consumed.has(state)) return undefined
      consumed.add(state)
      const key = keys.pending(state)
      const pending = await readRecord<PendingRecord>(storage, key, 'pending', () => {})
      await storage.delete(key)
      return pending
    },
    reportCorrupt: (handle, key) => handle.reportCorrupt(key),
  }

  const auth: McpAuth = {
    server(url) {
      const canonical = canonicalResourceUri(url)
      let handle = handles.get(canonical)
      if (!handle) {
        handle = new ServerHandle(ctx, canonical)
        handles.set(canonical, handle)
        for (const listener of serverListeners) listener()
      }
      return handle
    },
    servers: () => [...handles.values()],
    onServersChange(listener) {
      serverListeners.add(listener)
      return () => serverListeners.delete(listener)
    },
    async restore() {
      // Listening first: a change heard while reading makes what was read suspect.
      tabs.open()
      const heard = tabs.heard
      const { tokensPrefix } = keys
      // Where the storage can, one read of every record and generation; else a list of keys.
      const found = new Map(await storage.entries?.())
      for (const key of storage.entries ? found.keys() : await storage.keys(tokensPrefix)) {
        const url = key.slice(tokensPrefix.length)
        try {
          if (!key.startsWith(tokensPrefix)) continue
          const handle = auth.server(url) as ServerHandle
          if (found.size && tabs.heard === heard) {
            handle.seed([found.get(keys.generation(url)), found.get(key)])
          }
        } catch {
          // A key that is not a server URL: nothing to restore.
        }
      }
      return auth.servers()
    },
    async completeRedirect(url) {
      if (url === undefined && landing) return landing
      const href = url ?? (typeof location === 'undefined' ? undefined : location.href)
      if (!href) return undefined
      const current = new URL(href)
      const state = current.searchParams.get('state')
      if (!state || !(current.searchParams.has('code') || current.searchParams.has('error')))
        return undefined
      // The code exchange's chunk loads alongside; the rest of sign-in is not needed.
      const [{ finishRedirect }] = await Promise.all([loadRedirect(), loadExchange()])
      return finishRedirect(auth, storage, current, url === undefined)
    },
    dispose: () => tabs.dispose(),
  }
  contexts.set(auth, ctx)
  // The app's bundle started on the redirect URI (an SPA route): deliver or finish at once.
  const landing = finishLandedCallback(redirectUri, auth)
  return auth
}
