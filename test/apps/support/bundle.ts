import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, rename, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as esbuild from 'esbuild'

const exec = promisify(execFile)
const repo = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * Builds the page in test/apps/`app` (an index.html and its main.js) against the kit as
 * published, the cheap way: no install. Each tarball is unpacked into a fresh `node_modules`
 * (`@mcp-oauth/*` comes from there and nowhere else), every other package links to the
 * repository's, and esbuild bundles main.js as an app's bundler would (ES modules, code
 * splitting, so the kit's lazy chunks stay lazy). `files` are copied beside main.js first
 * (name → path in the repository). Returns the directory to serve, and the one whose
 * `node_modules` holds the unpacked packages (for the server side of a test).
 */
export async function bundleWithTarballs(
  app: string,
  tarballs: Record<string, string>,
  files: Record<string, string> = {},
): Promise<{ dist: string; root: string }> {
  const dir = await mkdtemp(join(tmpdir(), `mcp-oauth-${app}-`))
  await cp(join(repo, 'test', 'apps', app), dir, { recursive: true })
  for (const [name, path] of Object.entries(files)) await cp(join(repo, path), join(dir, name))
  const modules = join(dir, 'node_modules')
  await mkdir(join(modules, '@mcp-oauth'), { recursive: true })
  for (const entry of await readdir(join(repo, 'node_modules'))) {
    if (entry === '@mcp-oauth' || entry.startsWith('.')) continue
    await symlink(join(repo, 'node_modules', entry), join(modules, entry))
  }
  for (const [name, tarball] of Object.entries(tarballs)) {
    const unpacked = await mkdtemp(join(dir, 'unpack-'))
    await exec('tar', ['-xzf', tarball, '-C', unpacked])
    await rename(join(unpacked, 'package'), join(modules, name))
  }
  const out = join(dir, 'dist')
  // No tsconfig: the repository's `paths`, which map the packages to their sources, stay out.
  const tsconfig = join(dir, 'tsconfig.json')
  await writeFile(tsconfig, '{}')
  await esbuild.build({
    entryPoints: [join(dir, 'main.js')],
    tsconfig,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: out,
    logLevel: 'silent',
  })
  await cp(join(dir, 'index.html'), join(out, 'index.html'))
  return { dist: out, root: dir }
}
