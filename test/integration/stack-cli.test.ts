import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { afterAll, describe, expect, test } from 'vitest'

const cli = fileURLToPath(new URL('../../playground/stack/cli.mjs', import.meta.url))
// Nothing listens here: the driver stops at the redirect and hands the URL back.
const redirectUri = 'http://127.0.0.1:53682/oauth/callback'

/** Every stack the tests start, stopped at the end. */
const children: ChildProcess[] = []

interface Running {
  child: ChildProcess
  urls: Record<string, string>
  output: string
}

/** Runs `npm run stack` with `args`; resolves once it printed every URL, or with its exit. */
function run(args: string[]): Promise<Running | { code: number | null; output: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  return new Promise((resolve) => {
    const read = (chunk: Buffer) => {
      output += chunk
      if (!/^static token/m.test(output)) return
      const urls = Object.fromEntries(
        [...output.matchAll(/^(.+?)\s+(http:\/\/127\.0\.0\.1:\d+\S*)$/gm)].map((m) => [
          m[1]!.trim(),
          m[2]!,
        ]),
      )
      resolve({ child, urls, output })
    }
    child.stdout.on('data', read)
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.once('exit', (code) => resolve({ code, output }))
  })
}

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null) continue
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
  }
})

/** Starts the CLI on fixed ports from a base that is free, trying a few bases if one is taken. */
async function startOnFixedPorts(): Promise<Running & { base: number }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000)
    const result = await run(['--auto-consent', '--port', String(base), redirectUri])
    if ('child' in result) return { ...result, base }
    expect(result.output).toContain('A port is in use')
  }
  throw new Error('no free block of ports found')
}

/**
 * A driver for an authorization server that asks nothing: it follows redirects (with the
 * server's cookies) to the redirect URI, and fails on any page that wants an answer.
 */
const redirectsOnly = async ({ url }: { url: string }): Promise<string> => {
  const jar = new Map<string, string>()
  let next = url
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const index = pair.indexOf('=')
      jar.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim())
    }
    const location = response.headers.get('location')
    if (!location) throw new Error(`${next} answered ${response.status}, not a redirect`)
    next = new URL(location, next).href
    if (next.startsWith(redirectUri)) return next
  }
  throw new Error('too many redirects')
}

describe('npm run stack', () => {
  test('--port puts every server on consecutive ports from the base; --auto-consent asks nothing', async () => {
    const { urls, base } = await startOnFixedPorts()
    const port = (name: string) => Number(new URL(urls[name]!).port)
    expect(port('authorization server')).toBe(base)
    expect(port('AS without registration')).toBe(base + 1)
    expect(port('MCP oauth')).toBe(base + 2)
    const ports = Object.keys(urls).map(port)
    expect(new Set(ports).size).toBe(ports.length)
    for (const value of ports) {
      expect(value).toBeGreaterThanOrEqual(base)
      expect(value).toBeLessThan(base + ports.length + 2)
    }

    const auth = createMcpAuth({
      redirectUri,
      client: { name: 'stack CLI test' },
      storage: memoryStorage(),
      driver: redirectsOnly,
    })
    const server = auth.server(urls['MCP oauth']!)
    expect((await server.probe()).status).toBe('needs-authorization')
    expect((await server.authorize()).status).toBe('authorized')
  })

  test('without --auto-consent the authorization server shows its login page', async () => {
    const result = await run([])
    if (!('child' in result)) throw new Error(result.output)
    const auth = createMcpAuth({
      redirectUri,
      client: { name: 'stack CLI test' },
      storage: memoryStorage(),
      driver: redirectsOnly,
    })
    const server = auth.server(result.urls['MCP oauth']!)
    await server.probe()
    await expect(server.authorize()).rejects.toThrow(/answered 200, not a redirect/)
  })

  test('a --port that is not a port is refused with a word, before anything starts', async () => {
    const result = await run(['--port', 'eighty'])
    expect('code' in result && result.code).toBe(2)
    expect(result.output).toContain('--port wants a port number, not "eighty"')
  })
})
