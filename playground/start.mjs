#!/usr/bin/env node
// `npm start`: the loopback demo stack (a real authorization server and real MCP servers) plus
// the Vite playground, on 127.0.0.1. Prints one URL; Ctrl-C stops everything.
import { fileURLToPath } from 'node:url'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { createServer } from 'vite'
import { RELAY_PATH, stackRelayHandler, startStack } from './stack/index.mjs'

const root = fileURLToPath(new URL('.', import.meta.url))
const requestedPort = Number(process.env.PORT ?? 5173)

/** @type {Awaited<ReturnType<typeof startStack>> | undefined} */
let stack
let origin = ''
/** The stack's relay on the page's own origin, once the stack runs. */
/** @type {import('@mcp-oauth/core/relay').NodeRelayHandler | undefined} */
let relay

/** Serves what the pages need from the stack, the callback route and the client metadata. */
function playgroundRoutes() {
  return {
    name: 'mcp-oauth-playground-routes',
    /** @param {import('vite').ViteDevServer} server */
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '/').split('?')[0]
        // Before any body parsing: the relay reads the request body itself.
        if (path === RELAY_PATH) {
          if (relay) return relay(req, res, next)
          res.statusCode = 503
          res.end()
          return
        }
        if (path === '/stack.json') {
          res.setHeader('content-type', 'application/json')
          res.end(
            JSON.stringify({
              servers: stack?.servers ?? {},
              issuer: stack?.issuer,
              preRegisteredClient: stack?.preRegisteredClient,
              // The relay holds the secret; the page knows the client ID only.
              confidentialClient: stack && {
                issuer: stack.confidentialIssuer,
                clientId: stack.confidentialClients.basic.clientId,
              },
              relay: RELAY_PATH,
              // Demo credentials, shown beside their presets: without them the "Static token"
              // and "Typed client ID" servers cannot be completed.
              staticToken: stack?.staticToken,
            }),
          )
          return
        }
        if (path === '/oauth/client.json') {
          // The app's client ID metadata document, built by the kit from the pages' own options.
          Promise.all([
            server.ssrLoadModule('@mcp-oauth/core/client-metadata'),
            server.ssrLoadModule('/src/auth-options.ts'),
          ]).then(([{ clientMetadataDocument }, { authOptions }]) => {
            res.setHeader('content-type', 'application/json')
            res.end(JSON.stringify(clientMetadataDocument(authOptions(origin))))
          }, next)
          return
        }
        if (path === '/oauth/callback') req.url = `/callback.html${req.url.slice(path.length)}`
        next()
      })
    },
  }
}

/** The playground runs the kit from its sources: no build step, and edits reload at once. */
const source = (path) => fileURLToPath(new URL(`../packages/${path}`, import.meta.url))
const alias = [
  { find: /^@mcp-oauth\/core\/callback$/, replacement: source('core/src/callback.ts') },
  { find: /^@mcp-oauth\/core\/events$/, replacement: source('core/src/events.ts') },
  {
    find: /^@mcp-oauth\/core\/client-metadata$/,
    replacement: source('core/src/client-metadata.ts'),
  },
  { find: /^@mcp-oauth\/core$/, replacement: source('core/src/index.ts') },
  { find: /^@mcp-oauth\/web-components$/, replacement: source('web-components/src/index.ts') },
  {
    find: /^@mcp-oauth\/web-components\/timeline$/,
    replacement: source('web-components/src/timeline.ts'),
  },
  { find: /^@mcp-oauth\/react$/, replacement: source('react/src/index.ts') },
]

const vite = await createServer({
  root,
  configFile: false,
  resolve: { alias },
  clearScreen: false,
  logLevel: 'warn',
  plugins: [svelte(), playgroundRoutes()],
  server: { host: '127.0.0.1', port: requestedPort, strictPort: false },
  // Find every page's dependencies up front, so a first visit is never reloaded mid-flow.
  optimizeDeps: { entries: ['index.html', 'plain.html', 'svelte.html', 'callback.html'] },
  build: {
    rolldownOptions: {
      input: ['index.html', 'plain.html', 'svelte.html', 'callback.html'].map((page) =>
        fileURLToPath(new URL(page, import.meta.url)),
      ),
    },
  },
})
await vite.listen()
const address = vite.httpServer?.address()
if (!address || typeof address === 'string') throw new Error('The playground did not start')
origin = `http://127.0.0.1:${address.port}`
stack = await startStack({ redirectUris: [`${origin}/oauth/callback`] })
// The relay from source, like the rest of the kit here, on the page's own origin.
relay = await stackRelayHandler(stack, {
  origins: [origin],
  relay: await vite.ssrLoadModule(source('core/src/relay.ts')),
})

console.log(`\n  mcp-oauth playground: ${origin}/\n`)
for (const [name, url] of Object.entries(stack.servers))
  console.log(`    ${name.padEnd(16)} ${url}`)
console.log(`    ${'authorization'.padEnd(16)} ${stack.issuer}`)
console.log(`    ${'demo client ID'.padEnd(16)} ${stack.preRegisteredClient.clientId}`)
console.log(`    ${'demo token'.padEnd(16)} ${stack.staticToken}`)
console.log(`    ${'relay'.padEnd(16)} ${origin}${RELAY_PATH}\n`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await Promise.allSettled([vite.close(), stack?.close()])
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
