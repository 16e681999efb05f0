// Runs one scenario of the bench page in a Chromium that no DevTools client is attached to, as a
// user's browser is. Per-call times need it: with the DevTools Network domain enabled (as
// Playwright enables it), every request records the JavaScript stack that sent it, at a cost
// that grows with the stack's depth. A fetch made twelve frames deep measured about 0.1 ms
// slower per call that way than the same fetch made at the top, and not slower without it.
// The page reports back over HTTP: `/bench/authorize` plays the demo user for an authorization,
// `/bench/result` takes the scenario's answer.
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installCounters } from './runtime-counters.js'

/** What the unobserved page runs once `window.bench` is there: its scenario, then the report. */
const RUNNER = `
const post = (path, value) =>
  fetch(path, { method: 'POST', body: JSON.stringify(value) }).then((response) => response.json())
window.benchAuthorize = (request) => post('/bench/authorize', request)
const { name, args, setup } = JSON.parse(decodeURIComponent(location.hash.slice(1)))
// Module scripts run in document order: the bench page has set window.bench by now.
Promise.resolve()
  .then(async () => {
    if (setup) await window.bench[setup.name](setup.args)
    return { value: await window.bench[name](args) }
  })
  .catch((error) => ({ error: String(error && error.stack ? error.stack : error) }))
  .then((outcome) => post('/bench/result', outcome))
`

/**
 * Adds the unobserved page to the bundled bench page in `dir`: the counters, the page, and the
 * runner above.
 */
export async function addUnobservedPage(dir) {
  await writeFile(join(dir, 'counters.js'), `(${installCounters})()`)
  await writeFile(join(dir, 'unobserved.js'), RUNNER)
  await writeFile(
    join(dir, 'unobserved.html'),
    '<!doctype html><meta charset="utf-8"><title>runtime bench</title><script src="/counters.js"></script><script type="module" src="/runtime-page.js"></script><script type="module" src="/unobserved.js"></script>',
  )
}

/**
 * Runs `window.bench[name](args)` (after `setup`, when given) in a Chromium started here, with a
 * profile of its own and no DevTools client, on the page of `site`; `site.api` must route the
 * page's `/bench/*` requests to the returned `api`. Resolves with the scenario's value.
 */
export async function runUnobserved(site, { name, args, setup, authorize }) {
  const profile = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-profile-'))
  let settle
  const outcome = new Promise((resolve, reject) => {
    settle = { resolve, reject }
  })
  site.api.set(async (path, body) => {
    if (path === '/bench/authorize') return authorize(body)
    if (path === '/bench/result') {
      settle.resolve(body)
      return {}
    }
    return undefined
  })
  const hash = encodeURIComponent(JSON.stringify({ name, args, setup }))
  const browser = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      `${site.origin}/unobserved.html#${hash}`,
    ],
    { stdio: 'ignore' },
  )
  browser.on('exit', (code) =>
    settle.reject(new Error(`Chromium exited (${code}) before the result`)),
  )
  try {
    const { value, error } = await outcome
    if (error) throw new Error(`The unobserved bench page failed: ${error}`)
    return value
  } finally {
    browser.removeAllListeners('exit')
    const exited = new Promise((resolve) => browser.once('exit', resolve))
    browser.kill()
    await exited
    site.api.set(undefined)
    await rm(profile, { recursive: true, force: true })
  }
}
