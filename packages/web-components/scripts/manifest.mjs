#!/usr/bin/env node
// Generates custom-elements.json from the sources with @custom-elements-manifest/analyzer.
// Module paths point at the published files (dist/*.js), not at src/*.ts.
// `node scripts/manifest.mjs` writes the file; the drift test calls generate() and compares.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { create, ts } from '@custom-elements-manifest/analyzer'

const root = new URL('../', import.meta.url)
/** The modules that declare or export the elements. */
const sources = [
  'src/host/host.ts',
  'src/server-element/mcp-element.ts',
  'src/mcp-authorize/mcp-authorize.ts',
  'src/mcp-server-card/mcp-server-card.ts',
  'src/index.ts',
  'src/mcp-flow-timeline/mcp-flow-timeline.ts',
  'src/timeline.ts',
  'src/host/page-default.ts',
  'src/server-element/server-controller.ts',
]
/** The modules an app imports (the package's entries); only what they export is public. */
const entries = ['src/index.ts', 'src/timeline.ts']
export const manifestPath = fileURLToPath(new URL('custom-elements.json', root))

/** Rewrites every `src/*.ts` module reference to the `dist/*.js` file that is published. */
const publishedPaths = {
  name: 'published-paths',
  packageLinkPhase({ customElementsManifest }) {
    const walk = (value) => {
      if (Array.isArray(value)) value.forEach(walk)
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if ((key === 'path' || key === 'module') && typeof child === 'string') {
            value[key] = child.replace(/^(?:\/?src\/|\.\/)(.+)\.[jt]s$/, 'dist/$1.js')
          } else walk(child)
        }
      }
    }
    walk(customElementsManifest)
  },
}

/**
 * Keeps the public surface: declarations an entry of the package exports, no private or
 * protected members, and only the `mcp-` events (not the `type` parameter of the internal
 * `emit()`).
 */
const publicSurface = {
  name: 'public-surface',
  packageLinkPhase({ customElementsManifest }) {
    const reachable = new Set(
      customElementsManifest.modules
        .filter((module) => entries.includes(module.path.replace(/^\.?\//, '')))
        .flatMap((module) => (module.exports ?? []).map((e) => e.declaration?.name)),
    )
    for (const module of customElementsManifest.modules) {
      const exported = new Set((module.exports ?? []).map((e) => e.declaration?.name))
      module.declarations = (module.declarations ?? []).filter(
        (d) => exported.has(d.name) && reachable.has(d.name),
      )
      module.exports = (module.exports ?? []).filter((e) => reachable.has(e.declaration?.name))
      for (const declaration of module.declarations) {
        if (declaration.members) {
          declaration.members = declaration.members.filter(
            (member) => !member.privacy && !member.name.startsWith('#'),
          )
        }
        if (declaration.events) {
          declaration.events = declaration.events.filter((event) => event.name?.startsWith('mcp-'))
        }
      }
    }
  },
}

/**
 * Gives inherited members the types their class passes to a generic base: `strings` is
 * `McpStrings` on `<mcp-authorize>`, though `McpHost<Strings, …>` declares it.
 */
const classes = new Map()
const typeArguments = {
  name: 'type-arguments',
  analyzePhase({ ts, node }) {
    if (!ts.isClassDeclaration(node) || !node.name) return
    const heritage = node.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword)
    const base = heritage?.types[0]
    classes.set(node.name.text, {
      params: (node.typeParameters ?? []).map((p) => p.name.text),
      base: base?.expression.getText(),
      args: (base?.typeArguments ?? []).map((a) => a.getText()),
    })
  },
  packageLinkPhase({ customElementsManifest }) {
    const substitute = (text, map) =>
      text.replace(/\b[A-Z]\w*\b/g, (word) => (word in map ? map[word] : word))
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        // The type arguments each ancestor receives, by its own type parameter names.
        const maps = new Map()
        let map = {}
        for (let name = declaration.name; classes.get(name)?.base; ) {
          const { base, args } = classes.get(name)
          const params = classes.get(base)?.params ?? []
          map = Object.fromEntries(params.map((p, i) => [p, substitute(args[i] ?? p, map)]))
          maps.set(base, map)
          name = base
        }
        // Inherited members may be shared between subclasses: each gets its own copy.
        declaration.members = declaration.members?.map((member) => {
          const inherited = maps.get(member.inheritedFrom?.name)
          if (!inherited || !member.type) return member
          return { ...member, type: { text: substitute(member.type.text, inherited) } }
        })
      }
    }
  },
}

/** The manifest as the committed file should read it. */
export function generate() {
  const modules = sources.map((path) =>
    ts.createSourceFile(
      path,
      readFileSync(new URL(path, root), 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
    ),
  )
  const manifest = create({ modules, plugins: [typeArguments, publicSurface, publishedPaths] })
  return `${JSON.stringify(manifest, null, 2)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(manifestPath, generate())
  console.log(`wrote ${manifestPath}`)
}
