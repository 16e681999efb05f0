import { runInNewContext } from 'node:vm'
import * as esbuild from 'esbuild'
import { expect, test } from 'vitest'

/**
 * The relay entry as a Workers or Deno bundler sees it: bundled with no Node built-in available
 * (platform `neutral`, nothing external), then run where only Web APIs exist: no `process`,
 * `require`, `Buffer` or `node:` module. `createMcpRelay` with its own resolver must work there.
 */
async function bundleForWorkers() {
  const result = await esbuild.build({
    stdin: {
      contents: "export { createMcpRelay } from '@mcp-oauth/core/relay'",
      resolveDir: process.cwd(),
    },
    bundle: true,
    format: 'iife',
    globalName: 'relayModule',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  return result
}

test('the relay bundles for a runtime without node: modules, and imports none at start', async () => {
  const result = await bundleForWorkers()
  expect(result.errors).toEqual([])
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports)
  expect(imports.filter((entry) => entry.path.startsWith('node:'))).toEqual([])
})

test('the relay runs with Web APIs only, given a resolver', async () => {
  const result = await bundleForWorkers()
  const code = result.outputFiles[0]!.text
  const seen: string[] = []
  const sandbox = {
    Request,
    Response,
    Headers,
    URL,
    URLSearchParams,
    AbortController,
    DOMException,
    ReadableStream,
    TextEncoder,
    TextDecoder,
    setTimeout,
    clearTimeout,
    btoa,
    atob,
    fetch: async (url: string) => {
      seen.push(url)
      return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } })
    },
  }
  const module = runInNewContext(`${code}; relayModule`, sandbox) as {
    createMcpRelay: typeof import('@mcp-oauth/core/relay').createMcpRelay
  }
  expect(runInNewContext('typeof process + typeof require + typeof Buffer', sandbox)).toBe(
    'undefinedundefinedundefined',
  )
  const relay = module.createMcpRelay({
    allow: ['mcp.example.com'],
    origins: ['https://chat.example'],
    resolve: async () => ['93.184.215.14'],
  })
  const response = await relay(
    new Request(
      `https://chat.example/mcp-relay?url=${encodeURIComponent('https://mcp.example.com/mcp')}`,
      { headers: { origin: 'https://chat.example' } },
    ),
  )
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ ok: true })
  expect(seen).toEqual(['https://mcp.example.com/mcp'])

  // Without a resolver there, the relay says what to pass instead of failing obscurely.
  const bare = module.createMcpRelay({
    allow: ['mcp.example.com'],
    origins: ['https://chat.example'],
  })
  const refused = await bare(
    new Request(
      `https://chat.example/mcp-relay?url=${encodeURIComponent('https://mcp.example.com/mcp')}`,
      { headers: { origin: 'https://chat.example' } },
    ),
  )
  expect(refused.status).toBe(502)
  expect(await refused.json()).toEqual(
    expect.objectContaining({
      reason: 'upstream_unreachable',
      message: expect.stringContaining('give the relay a resolve function'),
    }),
  )
  expect(seen).toHaveLength(1)
})
