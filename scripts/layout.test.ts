// The layout ARCHITECTURE.md describes, checked: the core's floors (a file imports only from its
// own floor or the floors below, type imports and lazy `import()`s included), no import loop in
// the core, and no file in the repository over 1 MB.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const core = join(root, 'packages/core/src')

/**
 * The floors of ARCHITECTURE.md ("The core, floor by floor"), from the ground up: a folder
 * (trailing slash) or an entry file of the core's source.
 */
const FLOORS: readonly (readonly string[])[] = [
  ['errors.ts', 'relay/'],
  ['contracts/'],
  ['coordination/', 'storage/', 'http/', 'tracing.ts'],
  ['discovery/', 'registration/', 'authorize/', 'tokens/', 'dpop/'],
  ['browser/', 'routing/', 'events/', 'client-metadata.ts'],
  ['connect/', 'callback.ts'],
  ['handle/'],
  ['auth.ts', 'rules.ts', 'index.ts', 'events.ts', 'relay.ts'],
]

/** The floor of a core source file (its path relative to `src`, POSIX separators). */
function floorOf(file: string): number {
  const floor = FLOORS.findIndex((places) =>
    places.some((place) => (place.endsWith('/') ? file.startsWith(place) : file === place)),
  )
  if (floor < 0) throw new Error(`${file} is on no floor of ARCHITECTURE.md`)
  return floor
}

/** The core's product files: no tests, no test support. */
function sources(dir = core): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
      ? [relative(core, path).split('\\').join('/')]
      : []
  })
}

/** Every relative module a file names: static imports and re-exports (types too), and `import()`. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(core, file), 'utf8')
  const named = [
    ...text.matchAll(/\bfrom\s+'(\.[^']+)'/g),
    ...text.matchAll(/\bimport\s*\(\s*'(\.[^']+)'\s*\)/g),
    ...text.matchAll(/^import\s+'(\.[^']+)'/gm),
  ].map((match) => match[1]!)
  return named.map((spec) =>
    posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'),
  )
}

const files = sources()
const graph = new Map(files.map((file) => [file, importsOf(file)]))

/** Imports that run up a floor, as `from → to`. */
function upwardImports(imports: Map<string, string[]>): string[] {
  return [...imports].flatMap(([file, targets]) =>
    targets.filter((target) => floorOf(target) > floorOf(file)).map((t) => `${file} → ${t}`),
  )
}

/** Import loops, each as the files around it. Depth first: a file met again on the path closes one. */
function loopsIn(imports: Map<string, string[]>): string[] {
  const loops: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const walk = (file: string, path: string[]) => {
    state.set(file, 'open')
    for (const target of imports.get(file) ?? []) {
      if (state.get(target) === 'open') {
        loops.push([...path.slice(path.indexOf(target)), target].join(' → '))
      } else if (!state.has(target)) walk(target, [...path, target])
    }
    state.set(file, 'done')
  }
  for (const file of imports.keys()) if (!state.has(file)) walk(file, [file])
  return loops
}

describe('the core, floor by floor', () => {
  test('every file is on a floor, and every import names a file of the core', () => {
    for (const [file, imports] of graph) {
      expect(() => floorOf(file), file).not.toThrow()
      for (const target of imports) expect(files, `${file} imports ${target}`).toContain(target)
    }
  })

  test('no import runs up a floor', () => {
    expect(upwardImports(graph)).toEqual([])
  })

  test('the relay imports nothing of the rest of the core', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('relay/'))
      .flatMap(([file, imports]) =>
        imports.filter((t) => !t.startsWith('relay/')).map((t) => `${file} → ${t}`),
      )
    expect(outside).toEqual([])
  })

  test('no files import each other in a loop', () => {
    expect(loopsIn(graph)).toEqual([])
  })

  test('the checks find what they look for: one edge added up and around', () => {
    // The real graph, with the errors importing the handle, which imports them.
    const tampered = new Map(graph)
    tampered.set('errors.ts', [...(graph.get('errors.ts') ?? []), 'handle/server-handle.ts'])
    expect(upwardImports(tampered)).toEqual(['errors.ts → handle/server-handle.ts'])
    expect(loopsIn(tampered)).toContainEqual(
      expect.stringMatching(/^errors\.ts → .* → errors\.ts$/),
    )
  })
})

test('no file in the repository is over 1 MB', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean)
  const large = tracked.filter((file) => {
    try {
      return statSync(join(root, file)).size > 1024 * 1024
    } catch {
      // Deleted in the working tree, not yet committed.
      return false
    }
  })
  expect(tracked.length).toBeGreaterThan(100)
  expect(large).toEqual([])
})
