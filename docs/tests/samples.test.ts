import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { expect, test } from 'vitest'

/**
 * Every TypeScript sample in the docs and the READMEs compiles against the packages' types:
 * ```ts and ```tsx blocks as they are, and the `<script>` of ```html, ```vue and ```svelte
 * blocks. Each block is its own module; `./auth.js` is the app's one instance, as the
 * getting-started page defines it, and prelude.d.ts declares the few names samples leave to
 * the reader (a button, a render function, SvelteKit's virtual modules).
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const work = join(root, 'node_modules/.cache/mcp-oauth-doc-samples')

function markdownFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory())
      return entry.name.startsWith('.') || entry.name === 'public' ? [] : markdownFiles(path)
    return entry.name.endsWith('.md') ? [path] : []
  })
}

interface Sample {
  file: string
  line: number
  code: string
  tsx: boolean
}

function samplesOf(file: string, text: string): Sample[] {
  const samples: Sample[] = []
  const fence = /^```(\w+)[^\n]*\n([\s\S]*?)^```$/gm
  for (const match of text.matchAll(fence)) {
    const [, lang, body = ''] = match
    const line = text.slice(0, match.index).split('\n').length + 1
    if (lang === 'ts' || lang === 'tsx') {
      samples.push({ file, line, code: body, tsx: lang === 'tsx' })
    } else if (lang === 'html' || lang === 'vue' || lang === 'svelte') {
      for (const script of body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
        const attributes = script[1] ?? ''
        if (lang === 'html' ? !attributes.includes('module') : !attributes.includes('lang="ts"'))
          continue
        const offset = body.slice(0, script.index).split('\n').length - 1
        samples.push({ file, line: line + offset, code: script[2] ?? '', tsx: false })
      }
    }
  }
  return samples
}

const PRELUDE = `
declare const button: HTMLButtonElement
declare function render(snapshot: import('@mcp-oauth/core').McpServerSnapshot): void
declare module '$app/environment' {
  export const browser: boolean
}
declare module '$lib/auth' {
  export const auth: import('@mcp-oauth/core').McpAuth
  export function getAuth(): import('@mcp-oauth/core').McpAuth
}
declare module '$app/state' {
  export const page: { url: URL }
}
/** The options a Vue sample passes; the plugin itself lives in the app. */
declare module '@vitejs/plugin-vue' {
  export default function vue(options?: {
    template?: { compilerOptions?: { isCustomElement?: (tag: string) => boolean } }
  }): import('vite').Plugin
}
`
const AUTH = `import { createMcpAuth } from '@mcp-oauth/core'
export const auth = createMcpAuth({ redirectUri: 'https://chat.example/oauth/callback' })
export const makeAuth = () => createMcpAuth({ redirectUri: 'https://chat.example/oauth/callback' })
`

test('every code sample in the docs and READMEs type-checks', () => {
  const sources = [
    'README.md',
    ...readdirSync(join(root, 'packages')).map((name) => `packages/${name}/README.md`),
    ...markdownFiles('docs'),
  ]
  const samples = sources.flatMap((file) => samplesOf(file, readFileSync(join(root, file), 'utf8')))
  expect(samples.length).toBeGreaterThan(15)

  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  writeFileSync(join(work, 'prelude.d.ts'), PRELUDE)
  writeFileSync(join(work, 'auth.ts'), AUTH)
  const origin = new Map<string, Sample>()
  const files = samples.map((sample, index) => {
    const path = join(work, `sample-${index}.${sample.tsx ? 'tsx' : 'ts'}`)
    // `export {}` keeps each block a module of its own, imports or not.
    writeFileSync(path, `${sample.code}\nexport {}\n`)
    origin.set(path, sample)
    return path
  })

  const src = (path: string) => [join(root, 'packages', path)]
  const program = ts.createProgram([join(work, 'prelude.d.ts'), ...files], {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    paths: {
      '@mcp-oauth/core': src('core/src/index.ts'),
      '@mcp-oauth/core/callback': src('core/src/callback.ts'),
      '@mcp-oauth/core/events': src('core/src/events.ts'),
      '@mcp-oauth/core/rules': src('core/src/rules.ts'),
      '@mcp-oauth/web-components': src('web-components/src/index.ts'),
      '@mcp-oauth/web-components/timeline': src('web-components/src/timeline.ts'),
      '@mcp-oauth/react': src('react/src/index.ts'),
    },
  })
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || origin.has(d.file.fileName) || d.file.fileName.startsWith(work))
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
      const sample = d.file && origin.get(d.file.fileName)
      if (!sample || d.start === undefined) return message
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start)
      return `${relative(root, join(root, sample.file))}:${sample.line + line}: ${message}`
    })
  expect(problems).toEqual([])
})
