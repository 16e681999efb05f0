#!/usr/bin/env node
// Runs the demo stack on its own: `npm run stack`. Prints the URLs; Ctrl-C stops it.
//
//   npm run stack -- [--auto-consent] [--port <base>] [redirect URI…]
//
// --auto-consent  the authorization servers skip their login and consent pages
// --port <base>   fixed ports: base, base+1, … in the order the servers start, the same every run
// redirect URIs   registered for the pre-registered client of the second authorization server
import { parseArgs } from 'node:util'
import { startStack } from './index.mjs'

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
for (const [name, url] of Object.entries(stack.servers)) {
  console.log(`MCP ${name.padEnd(22)}${url}`)
}
console.log(`static token (token server) ${stack.staticToken}`)
if (values['auto-consent']) console.log('login and consent: automatic (user "demo")')
const stop = async () => {
  await stack.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
