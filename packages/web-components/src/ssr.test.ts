// @vitest-environment node
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${packageDir}/package.json`, 'utf8')) as {
  name: string
  exports: Record<string, { default?: string; types?: string }>
}
/** Every export path with JavaScript behind it, as an app would import it. */
const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typeof target === 'object' && target.default?.endsWith('.js'))
  .map(([path]) => pkg.name + path.slice(1))

describe('server-side rendering: every entry imports in plain Node, with no DOM', () => {
  test('the package has the entries this test expects', () => {
    expect(entries).toEqual(
      expect.arrayContaining([pkg.name, `${pkg.name}/define`, `${pkg.name}/timeline`]),
    )
  })

  test.each(entries)('%s (built, resolved through package.json exports)', (entry) => {
    // A separate Node process: no test environment, no shims; the built files in dist/.
    const script = `
      for (const name of ['window', 'document', 'HTMLElement', 'customElements', 'CSSStyleSheet']) {
        if (name in globalThis) throw new Error(name + ' exists: not a DOM-free Node')
      }
      const module = await import(${JSON.stringify(entry)})
      module.defineMcpElements?.()
      module.defineMcpFlowTimeline?.()
      console.log(Object.keys(module).sort().join(','))
    `
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    })
    // The framework typings are types only: their JavaScript exports nothing.
    if (/\/(vue|solid|preact)$/.test(entry)) expect(out.trim()).toBe('')
    else if (entry.endsWith('/timeline')) expect(out).toContain('defineMcpFlowTimeline')
    else expect(out).toContain('defineMcpElements')
  })
})
