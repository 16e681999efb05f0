// What each publishable package says it needs, checked the way an install would see it:
// - every package its published files import is a dependency or a peer (types-only entries may
//   import an optional peer), so the package installs alone and works;
// - a package depends on another of the three with `^<that package's version>`, as a regular
//   dependency: npm then dedupes the three to one copy of each;
// - `changeset version`, run in a scratch copy, bumps the three together by exactly what the
//   pending changesets ask and rewrites those ranges to the new version. A peer on a sibling
//   package would fail here: Changesets bumps a peer's dependents to a new major whenever the
//   peer's version leaves the range, so the next minor would publish 1.0.0.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import ts from 'typescript'

const BUMPS = ['patch', 'minor', 'major']

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/**
 * Bare specifiers the published JavaScript and declarations import (comments ignored), each with
 * whether it comes from a declaration file only.
 */
function importsOf(distDir) {
  const found = new Map()
  for (const file of filesUnder(distDir)) {
    const declaration = file.endsWith('.d.ts')
    if (!declaration && !file.endsWith('.js')) continue
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('node:')) continue
      const name = packageOf(fileName)
      const typesOnly = found.get(name) ?? true
      found.set(name, typesOnly && declaration)
    }
  }
  return found
}

/** What is wrong with what `pkg` declares, given the other publishable packages. */
export function rangeProblems(dir, pkg, siblings) {
  const problems = []
  const dependencies = pkg.dependencies ?? {}
  const peers = pkg.peerDependencies ?? {}
  const optional = (name) => pkg.peerDependenciesMeta?.[name]?.optional === true
  for (const [name, typesOnly] of importsOf(join(dir, 'dist'))) {
    if (name === pkg.name) continue
    if (builtinModules.includes(name)) problems.push(`imports the Node built-in ${name}`)
    else if (!(name in dependencies) && !(name in peers))
      problems.push(`imports ${name}, which is neither a dependency nor a peer`)
    else if (name in peers && optional(name) && !typesOnly)
      problems.push(`its JavaScript imports ${name}, an optional peer`)
  }
  for (const sibling of siblings) {
    if (sibling.name === pkg.name) continue
    if (sibling.name in peers)
      problems.push(
        `${sibling.name} is a peer: Changesets would bump ${pkg.name} to a new major with it`,
      )
    const range = dependencies[sibling.name]
    if (range !== undefined && range !== `^${sibling.version}`)
      problems.push(`depends on ${sibling.name}@${range}, not ^${sibling.version}`)
  }
  return problems
}

/** The bump the pending changesets ask for each package. */
function pendingBumps(changesetDir) {
  const bumps = new Map()
  for (const name of readdirSync(changesetDir)) {
    if (!name.endsWith('.md') || name === 'README.md') continue
    const text = readFileSync(join(changesetDir, name), 'utf8')
    const front = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? ''
    for (const [, pkg, bump] of front.matchAll(/^['"]?([^'":]+)['"]?:\s*(patch|minor|major)/gm)) {
      const current = bumps.get(pkg)
      if (!current || BUMPS.indexOf(bump) > BUMPS.indexOf(current)) bumps.set(pkg, bump)
    }
  }
  return bumps
}

function bumped(version, bump) {
  const [major, minor, patch] = version.split('.').map(Number)
  if (bump === 'major') return `${major + 1}.0.0`
  if (bump === 'minor') return `${major}.${minor + 1}.0`
  return `${major}.${minor}.${patch + 1}`
}

/**
 * Runs `changeset version` on a scratch copy of the manifests and the changesets, and says what
 * came out wrong: versions apart, a bump the changesets did not ask for, or a sibling range that
 * does not follow the new version.
 */
export function releaseProblems(root, publishable) {
  const bumps = pendingBumps(join(root, '.changeset'))
  const names = publishable.map(({ pkg }) => pkg.name)
  const wanted = names.map((name) => bumps.get(name)).filter(Boolean)
  if (wanted.length === 0) return []
  const highest = wanted.sort((a, b) => BUMPS.indexOf(b) - BUMPS.indexOf(a))[0]
  const scratch = mkdtempSync(join(tmpdir(), 'mcp-oauth-changeset-'))
  try {
    const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    for (const file of ['package.json', ...workspaces.map((dir) => join(dir, 'package.json'))])
      cpSync(join(root, file), join(scratch, file))
    cpSync(join(root, '.changeset'), join(scratch, '.changeset'), { recursive: true })
    const bin = join(
      dirname(createRequire(join(root, 'package.json')).resolve('@changesets/cli/package.json')),
      'bin.js',
    )
    execFileSync(process.execPath, [bin, 'version'], { cwd: scratch, stdio: 'pipe' })
    const after = publishable.map(({ dir }) =>
      JSON.parse(readFileSync(join(scratch, dir, 'package.json'), 'utf8')),
    )
    const problems = []
    const expected = bumped(publishable[0].pkg.version, highest)
    for (const pkg of after) {
      if (pkg.version !== expected)
        problems.push(`${pkg.name} would be ${pkg.version}; the changesets ask for ${expected}`)
      for (const sibling of after) {
        const range = pkg.dependencies?.[sibling.name] ?? pkg.peerDependencies?.[sibling.name]
        if (range !== undefined && range !== `^${sibling.version}`)
          problems.push(`${pkg.name} would depend on ${sibling.name}@${range}`)
      }
    }
    return problems
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
