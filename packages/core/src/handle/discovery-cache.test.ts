import { createWorld, deferred, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { mcpCall, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const metadata = (w: ReturnType<typeof createWorld>) => ({
  prm: w.requests.filter((r) => r.url.includes('/.well-known/oauth-protected-resource')).length,
  as: w.requests.filter((r) =>
    /\/\.well-known\/(oauth-authorization-server|openid-configuration)/.test(r.url),
  ).length,
})

describe('one discovery at a time per server', () => {
  test('authorize() in the click while an element probes: each metadata URL fetched once', async () => {
    // What an app does on "Add server": the handle is new, authorize() runs in the click, and
    // the elements bound to it probe at the same moment.
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const [authorized] = await Promise.all([handle.authorize(), handle.probe()])
    expect(authorized.status).toBe('authorized')
    // One discovery serves both: whichever starts first (the authorization's, which fetches both
    // well-known PRM URLs at once, or the probe's, which follows its challenge to one of them),
    // the other joins it. No metadata URL is fetched twice.
    const urls = w.requests.map((r) => r.url).filter((url) => url.includes('/.well-known/'))
    expect(urls.length).toBeGreaterThan(0)
    expect(new Set(urls).size).toBe(urls.length)
    expect(metadata(w).as).toBe(2)
  })

  test('a challenge naming another PRM URL than the discovery under way is followed', async () => {
    // Both well-known URLs serve a document; the challenge names the root one.
    const w = createWorld()
    w.options.challenge = `Bearer resource_metadata="${w.prmRootUrl}"`
    const { handle } = setupWorld(mock, w)
    let root = 0
    mock.use(
      http.get(w.prmRootUrl, () => {
        root++
        return HttpResponse.json({ ...w.options.prm, resource_name: 'Root document' })
      }),
    )
    await Promise.all([handle.authorize(), handle.probe()])
    // The authorization's discovery used the path-aware document (the root one also went out,
    // at once); the probe follows its challenge to the root one (RFC 9728 §5.1).
    expect(w.hits(w.prmPathUrl)).toHaveLength(1)
    expect(root).toBe(2)
    expect(handle.getSnapshot().resourceName).toBe('Root document')
  })

  test('after a refused token, a discovery that started before the refusal is not reused', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    // The server forgets the token and the refresh fails: the token is refused (401).
    w.accessTokens.clear()
    w.options.refresh = 'invalid_grant'
    await mcpCall(handle)
    const gate = deferred()
    let held = 0
    mock.use(
      http.get(w.prmPathUrl, async () => {
        held++
        await gate.promise
        return undefined
      }),
    )
    const first = handle.authorize().catch(() => undefined)
    await expect.poll(() => held).toBe(1)
    // Refused once more while that discovery is under way: the next one must start afresh.
    await mcpCall(handle)
    const second = handle.authorize()
    await expect.poll(() => held).toBe(2)
    gate.resolve()
    expect((await second).status).toBe('authorized')
    await first
  })
})

describe('a refused token makes the next discovery run afresh', () => {
  /** An authorized handle whose server now refuses every token with `header` (or none). */
  async function refusedWith(header: string | null) {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    mock.use(
      http.post(w.options.resource, () =>
        HttpResponse.json(
          { error: 'unauthorized' },
          { status: 401, headers: header ? { 'www-authenticate': header } : {} },
        ),
      ),
    )
    await mcpCall(handle)
    expect(handle.getSnapshot().status).toBe('needs-authorization')
    mock.resetHandlers(...w.handlers)
    return { w, handle, before: metadata(w) }
  }

  test('a 401 without a challenge: the metadata is fetched again', async () => {
    const { w, handle, before } = await refusedWith(null)
    expect((await handle.authorize()).status).toBe('authorized')
    expect(metadata(w).prm).toBeGreaterThan(before.prm)
    expect(metadata(w).as).toBeGreaterThan(before.as)
  })

  test('the metadata URL the challenge names is followed', async () => {
    const w0 = createWorld()
    const { w, handle } = await refusedWith(`Bearer resource_metadata="${w0.prmRootUrl}"`)
    let root = 0
    mock.use(
      http.get(w.prmRootUrl, () => {
        root++
        return HttpResponse.json({ ...w.options.prm, resource_name: 'Moved' })
      }),
    )
    expect((await handle.authorize()).status).toBe('authorized')
    expect(root).toBe(1)
    expect(handle.getSnapshot().resourceName).toBe('Moved')
  })

  test('the scope the challenge names is asked for', async () => {
    const { w, handle } = await refusedWith(
      `Bearer error="invalid_token", scope="admin", resource_metadata="${createWorld().prmPathUrl}"`,
    )
    await handle.authorize()
    const scope = w.navigations().at(-1)?.searchParams.get('scope')
    expect(scope?.split(' ').sort()).toEqual(['admin', 'offline_access'])
  })
})

test('each probe discovers afresh once the last discovery is over', async () => {
  const w = createWorld()
  const { handle } = setupWorld(mock, w)
  await handle.probe()
  const first = metadata(w)
  await handle.probe()
  expect(metadata(w).prm).toBe(2 * first.prm)
  expect(metadata(w).as).toBeGreaterThan(first.as)
})

test('the newest discovery under way stays shared after an older one ends', async () => {
  const w = createWorld()
  const { handle } = setupWorld(mock, w)
  await handle.authorize()
  w.accessTokens.clear()
  w.options.refresh = 'invalid_grant'
  await mcpCall(handle)
  const gates = [deferred(), deferred()]
  let held = 0
  mock.use(
    http.get(w.prmPathUrl, async () => {
      const gate = gates[held++]
      await gate?.promise
      return undefined
    }),
  )
  const first = handle.authorize().catch(() => undefined)
  await expect.poll(() => held).toBe(1)
  await mcpCall(handle)
  const second = handle.authorize()
  await expect.poll(() => held).toBe(2)
  // The older discovery ends first; a probe now joins the newer one.
  gates[0]!.resolve()
  await first
  const posts = w.hits(w.options.resource, 'POST').length
  const probed = handle.probe()
  await expect.poll(() => w.hits(w.options.resource, 'POST').length).toBe(posts + 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  gates[1]!.resolve()
  await second
  await probed
  expect(held).toBe(2)
})
