import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const exec = promisify(execFile)
const repo = fileURLToPath(new URL('../../../', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** The packages an app installs from tarballs, never from the workspace. */
const PACKAGES = ['core', 'web-components', 'react'] as const

/**
 * `npm pack` of each package (built beforehand: `npm run build`), or of `names`, into a fresh
 * directory. Returns the tarball path by package name.
 */
export async function packPackages(
  names: readonly string[] = PACKAGES,
): Promise<{ dir: string; tarballs: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-packs-'))
  const tarballs: Record<string, string> = {}
  for (const name of names) {
    const { stdout } = await exec(
      npm,
      ['pack', '--json', '--pack-destination', dir, join(repo, 'packages', name)],
      { cwd: dir },
    )
    const [info] = JSON.parse(stdout) as { name: string; filename: string }[]
    if (!info) throw new Error(`npm pack printed nothing for ${name}`)
    tarballs[info.name] = join(dir, info.filename)
  }
  return { dir, tarballs }
}

/** The Node that builds what needs Node 22 (the Angular CLI), as the conformance runner uses. */
export const NODE_22 = 'node@22.23.3'

/**
 * Copies the app into `into`, points its `@mcp-oauth/*` dependencies at the tarballs, installs
 * (exact versions from its package.json; the npm cache first, so a warm machine needs no
 * network) and builds it with its own `build` script, or with `build` (a command and its
 * arguments, run in the app's directory) when given. Returns the app's directory.
 */
export async function installAndBuild(
  app: string,
  into: string,
  tarballs: Record<string, string>,
  build: readonly string[] = [npm, 'run', 'build'],
): Promise<string> {
  const dir = join(into, app)
  await mkdir(dir, { recursive: true })
  await cp(join(repo, 'test', 'apps', app), dir, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist|build|\.svelte-kit|\.next)([\\/]|$)/.test(source),
  })
  const manifestPath = join(dir, 'package.json')
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    dependencies?: Record<string, string>
  }
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const tarball = tarballs[name]
    if (name.startsWith('@mcp-oauth/')) {
      if (!tarball) throw new Error(`no tarball for ${name}`)
      manifest.dependencies![name] = `file:${tarball}`
    }
  }
  // The react package depends on the elements and core: the same tarballs, never the registry.
  ;(manifest as { overrides?: Record<string, string> }).overrides = Object.fromEntries(
    Object.entries(tarballs).map(([name, tarball]) => [name, `file:${tarball}`]),
  )
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2))
  const options = { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } }
  try {
    await exec(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
      ],
      options,
    )
    const [command = npm, ...args] = build
    await exec(command, args, options)
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`${app}: ${String(error)}\n${stdout ?? ''}\n${stderr ?? ''}`)
  }
  return dir
}
