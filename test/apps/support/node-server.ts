import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname } from 'node:path'
import type { StaticServer } from './serve.js'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/**
 * Runs a server-rendered app's production server (SvelteKit's adapter-node output, or a CLI
 * such as `next start` with `args`) on 127.0.0.1, with the demo stack's origins for its
 * `connect-src`.
 */
export async function serveNode(
  entry: string,
  connectSrc: readonly string[],
  options: {
    cwd?: string
    args?: readonly string[] | undefined
    /** More environment for the app (a relay route's allowlist, say). */
    env?: Readonly<Record<string, string>>
  } = {},
): Promise<StaticServer> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(process.execPath, [entry, ...(options.args ?? [])], {
    cwd: options.cwd ?? dirname(dirname(entry)),
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      ORIGIN: origin,
      CONNECT_SRC: connectSrc.join(' '),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited: ${output}`)
    const up = await fetch(origin).then(
      () => true,
      () => false,
    )
    if (up) break
    if (Date.now() > deadline) throw new Error(`${entry} did not start: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill()
      }),
  }
}
