import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { expect, test } from 'vitest'
import { unhandledPromises } from './promises.js'

/**
 * Every TypeScript sample in the docs and the READMEs compiles against the packages' types:
 * ```ts and ```tsx blocks as they are, and the `<script>` of ```html, ```vue and ```svelte
 * blocks (with a Svelte block's `on…={…}` handlers). Each block is its own module; `./auth.js`
 * is the app's one instance, as the getting-started page defines it, `./zod-jitless.js` the
 * module the SDK guide asks for, `./auth-options.js` (also `./src/…`, `$lib/…` and `@/…`) the
 * options module the client metadata recipes share, and prelude.d.ts declares the few names samples leave to the
 * reader (a button, a render function, SvelteKit's virtual modules, the little of Angular the
 * samples use). Then no sample may leave a promise that can reject unhandled (promises.ts).
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
        // A Svelte handler in the markup is checked where the script's names are in scope.
        const handlers = lang === 'svelte' ? svelteHandlers(body) : []
        samples.push({
          file,
          line: line + offset,
          code: (script[2] ?? '') + handlers.join(''),
          tsx: false,
        })
      }
    }
  }
  return samples
}

/**
 * The `on…={…}` handlers of Svelte markup, each as a typed declaration: appended to the
 * component's script, they are checked with its names in scope.
 */
function svelteHandlers(body: string): string[] {
  const handlers: string[] = []
  for (const match of body.matchAll(/\bon[a-z]+=\{/g)) {
    const start = match.index + match[0].length
    let depth = 1
    let end = start
    while (end < body.length && depth > 0) {
      if (body[end] === '{') depth++
      else if (body[end] === '}') depth--
      end++
    }
    const expression = body.slice(start, end - 1)
    handlers.push(
      `export const handler${handlers.length}: (event: Event) => void = ${expression}\n`,
    )
  }
  return handlers
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
declare module '$lib/auth-options' {
  export const authOptions: typeof import('./auth-options.js').authOptions
}
declare module '@/auth-options' {
  export const authOptions: typeof import('./auth-options.js').authOptions
}
declare module '$app/state' {
  export const page: { url: URL }
}
/** The little of Angular that samples use; the apps in test/apps build against the real one. */
declare module '@angular/core' {
  export const CUSTOM_ELEMENTS_SCHEMA: { name: string }
  export interface OnDestroy {
    ngOnDestroy(): void
  }
  export interface WritableSignal<T> {
    (): T
    set(value: T): void
  }
  export function signal<T>(value: T): WritableSignal<T>
  export function Component(options: {
    selector: string
    template: string
    schemas?: unknown[]
  }): (target: abstract new (...args: never[]) => unknown, context: ClassDecoratorContext) => void
  export function provideZonelessChangeDetection(): unknown
}
declare module '@angular/platform-browser' {
  export function bootstrapApplication(
    component: abstract new (...args: never[]) => unknown,
    options?: { providers?: unknown[] },
  ): Promise<unknown>
}
declare module '*.svelte' {
  const component: import('svelte').Component
  export default component
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
`

/** The options module the client metadata recipes share between the page and the server. */
const AUTH_OPTIONS = `export function authOptions(origin: string) {
  return {
    redirectUri: \`\${origin}/oauth/callback\`,
    client: { name: 'My chat', uri: origin, metadataUrl: \`\${origin}/oauth/client.json\` },
  }
}
`

/** The root component an Angular entry sample bootstraps. */
const APP_COMPONENT = `export class AppComponent {}
`

/** The module the SDK guide asks apps to import first. */
const ZOD_JITLESS = `import { config } from 'zod/v4/core'
config({ jitless: true })
`

test('every code sample in the docs and READMEs type-checks and handles its promises', () => {
  const sources = [
    'README.md',
    ...readdirSync(join(root, 'packages'))
      .map((name) => `packages/${name}/README.md`)
      .filter((file) => existsSync(join(root, file))),
    ...markdownFiles('docs'),
  ]
  const samples = sources.flatMap((file) => samplesOf(file, readFileSync(join(root, file), 'utf8')))
  expect(samples.length).toBeGreaterThan(15)

  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  writeFileSync(join(work, 'prelude.d.ts'), PRELUDE)
  writeFileSync(join(work, 'auth.ts'), AUTH)
  writeFileSync(join(work, 'zod-jitless.ts'), ZOD_JITLESS)
  writeFileSync(join(work, 'app.component.ts'), APP_COMPONENT)
  writeFileSync(join(work, 'auth-options.ts'), AUTH_OPTIONS)
  mkdirSync(join(work, 'src'))
  writeFileSync(join(work, 'src', 'auth-options.ts'), AUTH_OPTIONS)
  const origin = new Map<string, Sample>()
  const files = samples.map((sample, index) => {
    const path = join(work, `sample-${index}.${sample.tsx ? 'tsx' : 'ts'}`)
    // `export {}` keeps each block a module of its own, imports or not. A JSX sample for Solid
    // or Preact compiles against that framework's JSX, as its tsconfig would say.
    const jsx = /from '(solid-js|preact)[/']/.exec(sample.code)?.[1]
    const pragma = sample.tsx && jsx ? `/** @jsxImportSource ${jsx} */\n` : ''
    writeFileSync(path, `${pragma}${sample.code}\nexport {}\n`)
    origin.set(path, sample)
    return path
  })

  const src = (path: string) => [join(root, 'packages', path)]
  const preactTypes = (path: string) =>
    join(
      dirname(createRequire(join(root, 'packages/web-components/')).resolve('preact')),
      '..',
      path,
    )
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
      '@mcp-oauth/core/client-metadata': src('core/src/client-metadata.ts'),
      '@mcp-oauth/core/relay': src('core/src/relay.ts'),
      '@mcp-oauth/core/rules': src('core/src/rules.ts'),
      '@mcp-oauth/web-components': src('web-components/src/index.ts'),
      '@mcp-oauth/web-components/timeline': src('web-components/src/timeline.ts'),
      '@mcp-oauth/react': src('react/src/index.ts'),
      '@mcp-oauth/web-components/solid': src('web-components/src/solid.ts'),
      '@mcp-oauth/web-components/preact': src('web-components/src/preact.ts'),
      // The Preact the typings are built against (the docs site brings an older one along).
      preact: [preactTypes('src/index.d.ts')],
      'preact/hooks': [preactTypes('hooks/src/index.d.ts')],
      'preact/jsx-runtime': [preactTypes('jsx-runtime/src/index.d.ts')],
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

  // No sample leaves a promise that can reject without a handler.
  const checker = program.getTypeChecker()
  const dropped = files.flatMap((path) => {
    const file = program.getSourceFile(path)!
    const sample = origin.get(path)!
    return unhandledPromises(checker, file).map(({ node, message }) => {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file))
      return `${sample.file}:${sample.line + line}: ${message} (${node.getText(file).slice(0, 60)})`
    })
  })
  expect(dropped).toEqual([])
})
