import 'fake-indexeddb/auto'
import { afterEach, expect, test, vi } from 'vitest'
import { createMcpAuth } from './auth.js'
import { type ClientRecord, RECORD_VERSION } from './contracts/records.js'
import { TAB_CHANNEL } from './coordination/tab-messages.js'
import { indexedDbStorage } from './storage/indexeddb.js'
import { keys } from './storage/records.js'
import { REDIRECT } from './test-support/harness.js'
import { countTransactions } from './test-support/idb-transactions.js'

afterEach(() => {
  vi.restoreAllMocks()
})

test('50 fresh servers probed at once cost a handful of IndexedDB transactions, not three each', async () => {
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage: indexedDbStorage(`probes-${Math.random()}`),
    // Servers that let anyone in: the probe reads what is stored, sends one request, and ends.
    fetch: async () => new Response('{}', { status: 200 }),
    driver: async (request) => request.url,
  })
  const handles = [...Array(50).keys()].map((i) => auth.server(`https://mcp${i}.example.com/mcp`))
  // The database opens (one transaction of its own) before the count starts.
  await handles[0]!.probe()
  const transactions = countTransactions()
  const snapshots = await Promise.all(handles.slice(1).map((handle) => handle.probe()))
  expect(snapshots.map((snapshot) => snapshot.status)).toEqual(Array(49).fill('open'))
  expect(transactions()).toBeLessThanOrEqual(3)
})

/** Servers of one issuer whose resource metadata names it, as a fetch: every server needs OAuth. */
function oneIssuer(issuer: string): typeof fetch {
  return async (input) => {
    const url = new URL(String(input instanceof Request ? input.url : input))
    if (url.pathname.startsWith('/.well-known/oauth-protected-resource')) {
      const resource = `${url.origin}${url.pathname.slice('/.well-known/oauth-protected-resource'.length)}`
      return Response.json({ resource, authorization_servers: [issuer] })
    }
    if (url.origin === issuer) {
      return Response.json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        registration_endpoint: `${issuer}/register`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      })
    }
    return new Response(null, { status: 401 })
  }
}

/** An app whose servers all name one issuer, with the keys its storage reads, in order. */
function oneIssuerApp() {
  const issuer = 'https://auth.example.com'
  const storage = indexedDbStorage(`clients-${Math.random()}`)
  const reads: string[] = []
  const get = storage.get
  storage.get = (key) => {
    reads.push(key)
    return get(key)
  }
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage,
    fetch: oneIssuer(issuer),
    driver: async (request) => request.url,
  })
  return { issuer, storage, reads, auth }
}

test('servers of one issuer read its stored client once, however their probes are spread out', async () => {
  const { reads, auth } = oneIssuerApp()
  // One after another: each discovery ends long after the one before.
  for (let i = 0; i < 5; i++) {
    const snapshot = await auth.server(`https://mcp${i}.example.com/mcp`).probe()
    expect(snapshot).toMatchObject({ status: 'needs-authorization', registration: 'dynamic' })
  }
  expect(reads.filter((key) => key.startsWith('client:'))).toHaveLength(1)
})

test('a change another tab announces makes the next probe read the stored client again', async () => {
  const { issuer, storage, reads, auth } = oneIssuerApp()
  const first = auth.server('https://mcp1.example.com/mcp')
  expect((await first.probe()).registration).toBe('dynamic')
  // Another tab stores a client ID the user typed, and says so.
  const client: ClientRecord = {
    v: RECORD_VERSION,
    issuer,
    redirectUri: REDIRECT,
    clientId: 'typed-elsewhere',
    tokenEndpointAuthMethod: 'none',
    kind: 'manual',
  }
  await storage.set(keys.client(issuer, REDIRECT), client)
  const tab = new BroadcastChannel(TAB_CHANNEL)
  const heard = reads.length
  tab.postMessage({ resource: first.url, change: 'tokens' })
  // The first server re-reads its tokens when the message arrives.
  await vi.waitFor(() => expect(reads.length).toBeGreaterThan(heard))
  tab.close()
  const second = await auth.server('https://mcp2.example.com/mcp').probe()
  expect(second.registration).toBe('manual')
  expect(reads.filter((key) => key.startsWith('client:'))).toHaveLength(2)
  auth.dispose()
})
