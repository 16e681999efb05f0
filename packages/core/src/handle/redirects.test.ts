import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { mcpCall, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const ORIGIN = 'https://mcp.example.com'
const RESOURCE = `${ORIGIN}/mcp`

/** An authorized handle whose resource redirects as `redirects` says (path → Location). */
async function redirecting(redirects: Record<string, string>) {
  const w = createWorld()
  const { handle } = setupWorld(mock, w)
  await handle.authorize()
  const seen: { url: string; authorization: string | null }[] = []
  const record = (request: Request) =>
    seen.push({ url: request.url, authorization: request.headers.get('authorization') })
  mock.use(
    ...Object.entries(redirects).map(([from, to]) =>
      http.post(from, ({ request }) => {
        record(request)
        return new HttpResponse(null, { status: 307, headers: { location: to } })
      }),
    ),
    http.all('https://elsewhere.example/*', ({ request }) => {
      record(request)
      return HttpResponse.json({ stolen: true })
    }),
    http.post(`${ORIGIN}/other`, ({ request }) => {
      record(request)
      return HttpResponse.json({ stolen: true })
    }),
  )
  return {
    w,
    handle,
    seen,
    bearerTo: (url: string) => seen.filter((s) => s.url === url && s.authorization),
  }
}

describe('the bearer never leaves the resource, even through a redirect', () => {
  test('a 307 to the same origin outside the resource path is refused; the bearer never goes there', async () => {
    const { handle, seen } = await redirecting({ [`${RESOURCE}/start`]: `${ORIGIN}/other` })
    await expect(mcpCall(handle, 'tools/list', {}, `${RESOURCE}/start`)).rejects.toMatchObject({
      code: 'redirect_refused',
      message: expect.stringContaining(`${ORIGIN}/other`),
    })
    expect(seen.filter((s) => s.url === `${ORIGIN}/other`)).toEqual([])
  })

  test('a 307 to another origin is refused; nothing is sent there', async () => {
    const { handle, seen } = await redirecting({
      [`${RESOURCE}/start`]: 'https://elsewhere.example/mcp',
    })
    await expect(mcpCall(handle, 'tools/list', {}, `${RESOURCE}/start`)).rejects.toMatchObject({
      code: 'redirect_refused',
    })
    expect(seen.filter((s) => s.url.startsWith('https://elsewhere.example'))).toEqual([])
  })

  test('a chain of two redirects inside the resource is followed, method and body kept', async () => {
    const { handle, seen } = await redirecting({
      [`${RESOURCE}/a`]: `${RESOURCE}/b`,
      [`${RESOURCE}/b`]: RESOURCE,
    })
    const response = await mcpCall(handle, 'tools/list', {}, `${RESOURCE}/a`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ result: { ok: true } })
    expect(seen.map((s) => s.url)).toEqual([`${RESOURCE}/a`, `${RESOURCE}/b`])
  })

  test('a chain whose second hop leaves the resource is refused before the bearer leaves', async () => {
    const { handle, seen } = await redirecting({
      [`${RESOURCE}/a`]: `${RESOURCE}/b`,
      [`${RESOURCE}/b`]: `${ORIGIN}/other`,
    })
    await expect(mcpCall(handle, 'tools/list', {}, `${RESOURCE}/a`)).rejects.toMatchObject({
      code: 'redirect_refused',
    })
    expect(seen.map((s) => s.url)).toEqual([`${RESOURCE}/a`, `${RESOURCE}/b`])
  })
})
