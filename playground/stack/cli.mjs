#!/usr/bin/env node
// Runs the demo stack on its own: `npm run stack`. Prints the URLs; Ctrl-C stops it.
import { startStack } from './index.mjs'

const redirectUris = process.argv.slice(2)
const stack = await startStack({ redirectUris })
console.log(`authorization server      ${stack.issuer}`)
console.log(`AS without registration   ${stack.secondIssuer}`)
console.log(`  pre-registered client   ${stack.preRegisteredClient.clientId}`)
for (const [name, url] of Object.entries(stack.servers)) {
  console.log(`MCP ${name.padEnd(22)}${url}`)
}
console.log(`static token (token server) ${stack.staticToken}`)
const stop = async () => {
  await stack.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
