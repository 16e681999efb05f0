#!/usr/bin/env node
// Runs the demo stack on its own: `npm run stack`. Prints the URLs; Ctrl-C stops it.
//
//   npm run stack -- [--auto-consent] [--port <base>] [redirect URI…]
//
// --auto-consent  the authorization servers skip their login and consent pages
// --port <base>   fixed ports: base, base+1, … in the order the servers start, the same every run
// redirect URIs   registered for the pre-registered clients of the authorization servers without
//                 registration; a relay for their pages' origins starts too (on a free port)
import { parseArgs } from 'node:util'
import { startRelayHost, startStack } from './index.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'auto-consent': { type: 'boolean', default: false },
    port: { type: 'string' },
  },
})
const basePort = values.port === undefined ? undefined : Number(values.port)
if (basePort !== undefined && !(Number.isInteger(basePort) && basePort > 0 && basePort < 65536)) {
  console.error(`--port wants a port number, not "${values.port}"`)
  process.exit(2)
}
const stack = await startStack({
  redirectUris: positionals,
  autoConsent: values['auto-consent'],
  ...(basePort === undefined ? {} : { basePort }),
}).catch((error) => {
  const busy = error?.code === 'EADDRINUSE'
  console.error(busy ? `A port is in use: ${error.message}` : error)
  process.exit(1)
})
console.log(`authorization server      ${stack.issuer}`)
console.log(`AS without registration   ${stack.secondIssuer}`)
console.log(`  pre-registered client   ${stack.preRegisteredClient.clientId}`)
console.log(`AS, token without CORS    ${stack.tokenWithoutCorsIssuer}`)
console.log(`AS, confidential, no CORS ${stack.confidentialIssuer}`)
console.log(`  confidential clients    ${stack.confidentialClients.basic.clientId} (Basic)`)
console.log(`                          ${stack.confidentialClients.post.clientId} (form)`)
console.log(`AS, refuses unapproved    ${stack.issuers.registrationRefused}`)
console.log(`AS, localhost redirects   ${stack.issuers.loopbackOnly}`)
console.log(`AS, metadata documents    ${stack.issuers.metadataDocument}`)
for (const [name, url] of Object.entries(stack.servers)) {
  console.log(`MCP ${name.padEnd(22)}${url}`)
}
console.log(`static token (token server) ${stack.staticToken}`)
if (values['auto-consent']) console.log('login and consent: automatic (user "demo")')

/** @type {{ close(): Promise<void> } | undefined} */
let relayHost
const origins = [...new Set(positionals.map((uri) => new URL(uri).origin))]
if (origins.length > 0) {
  try {
    relayHost = await startRelayHost(stack, { origins })
    console.log(`relay (for ${origins.join(', ')}) ${relayHost.url}`)
  } catch {
    console.log('relay                     not started: build the core first (npm run build)')
  }
}
const stop = async () => {
  await relayHost?.close()
  await stack.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
