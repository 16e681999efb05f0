import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core'

/**
 * Collects what must never happen in an app: page errors, console errors and CSP violations.
 * The only console errors allowed are the browser's own network lines for the MCP server's
 * expected `401` (the probe and the first request before a token), which Chromium logs as
 * "Failed to load resource", and a missing icon.
 */
export function watchContext(
  context: BrowserContext,
  options: { expected401From: readonly string[] },
): string[] {
  const problems: string[] = []
  const expected = (message: ConsoleMessage) =>
    (/status of 401/.test(message.text()) &&
      options.expected401From.some((origin) => message.location().url.startsWith(origin))) ||
    // The authorization server's pages have no icon; that is the demo stack, not the app.
    (/status of 404/.test(message.text()) && message.location().url.endsWith('/favicon.ico'))
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`pageerror ${page.url()}: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error' && !expected(message)) {
        problems.push(`console ${page.url()}: ${message.text()}`)
      }
    })
  }
  context.on('page', watch)
  for (const page of context.pages()) watch(page)
  return problems
}
