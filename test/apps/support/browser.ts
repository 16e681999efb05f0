import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core'

/** A network answer the browser logs as an error but the app expects. */
export interface ExpectedResponse {
  status: number
  /** The start of the request URL. */
  url: string
  /** Why it is expected, for whoever reads the test. */
  why: string
}

/**
 * Collects what must never happen in an app: page errors, console errors and CSP violations
 * (Chromium reports those on the console). The only console errors allowed are Chromium's own
 * "Failed to load resource" lines for responses the protocol expects (`expected`), a missing
 * icon, and one more: the opener closes its popup as soon as it has read the authorization
 * response there, so an app router that was still importing the callback route's code in that
 * popup may log the aborted import. That line counts only if the popup then did close.
 */
export function watchContext(
  context: BrowserContext,
  options: { expected: readonly ExpectedResponse[] },
): string[] {
  const problems: string[] = []
  const isExpected = (message: ConsoleMessage) => {
    const status = /status of (\d{3})/.exec(message.text())?.[1]
    const url = message.location().url
    if (!status) return false
    if (status === '404' && url.endsWith('/favicon.ico')) return true
    return options.expected.some((e) => String(e.status) === status && url.startsWith(e.url))
  }
  const watch = (page: Page) => {
    /** Aborted imports logged in a popup at the redirect URI, forgiven once it closes. */
    const abortedImports: string[] = []
    page.on('pageerror', (error) => problems.push(`pageerror ${page.url()}: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error' && !isExpected(message)) {
        const problem = `console ${page.url()}: ${message.text()} (${message.location().url})`
        problems.push(problem)
        const url = new URL(page.url())
        if (
          /Failed to fetch dynamically imported module/.test(message.text()) &&
          url.searchParams.has('state') &&
          (url.searchParams.has('code') || url.searchParams.has('error'))
        ) {
          abortedImports.push(problem)
        }
      }
    })
    page.on('close', () => {
      for (const problem of abortedImports) {
        const index = problems.indexOf(problem)
        if (index >= 0) problems.splice(index, 1)
      }
    })
  }
  context.on('page', watch)
  for (const page of context.pages()) watch(page)
  return problems
}
