import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core'

/** A network answer the browser logs as an error but the app expects. */
export interface ExpectedAnswer {
  status: number
  /** The start of the request URL. */
  url: string
  /** How often it may happen in this context; unbounded when absent. */
  atMost?: number
  /** Why it is expected, for whoever reads the test. */
  why: string
}

/**
 * Collects what must never happen in an app: page errors, console errors and CSP violations.
 * Every page of the context reports each `securitypolicyviolation` event on the console, so a
 * violation the page caught (a library probing `new Function('')` in a `try`) counts as well.
 * The only console errors allowed are Chromium's own "Failed to load resource" lines for
 * responses the protocol expects (`expected`, each at most `atMost` times), a missing icon, and
 * one more: the opener closes its popup as soon as it has read the authorization response
 * there, so an app router still importing the callback route's code in that popup may log the
 * aborted import (SvelteKit does, in about one run of five). That line counts only if the popup
 * then did not close. Resolves once the violation reporter is installed in every page the
 * context opens.
 */
export async function watchContext(
  context: BrowserContext,
  options: { expected: readonly ExpectedAnswer[] },
): Promise<string[]> {
  const problems: string[] = []
  const seen = new Map<ExpectedAnswer, number>()
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}` +
          ` at ${event.sourceFile || '?'}:${event.lineNumber}`,
      )
    })
  })
  const isExpected = (message: ConsoleMessage) => {
    const status = /status of (\d{3})/.exec(message.text())?.[1]
    const url = message.location().url
    if (!status) return false
    if (status === '404' && url.endsWith('/favicon.ico')) return true
    const answer = options.expected.find(
      (e) => String(e.status) === status && url.startsWith(e.url),
    )
    if (!answer) return false
    const count = (seen.get(answer) ?? 0) + 1
    seen.set(answer, count)
    return answer.atMost === undefined || count <= answer.atMost
  }
  const watch = (page: Page) => {
    /** Aborted imports logged in a popup at the redirect URI, forgiven once it closes. */
    const abortedImports: string[] = []
    page.on('pageerror', (error) => problems.push(`pageerror ${page.url()}: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() !== 'error' || isExpected(message)) return
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
