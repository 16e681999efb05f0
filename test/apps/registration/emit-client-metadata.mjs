// The app's build step: writes its client ID metadata document, built by the published kit from
// the same options the page uses. Usage: node emit-client-metadata.mjs <origin> <out dir>
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { clientMetadataDocument } from '@mcp-oauth/core/client-metadata'
import { authOptions } from './auth-options.js'

const [origin, out] = process.argv.slice(2)
mkdirSync(join(out, 'oauth'), { recursive: true })
writeFileSync(
  join(out, 'oauth', 'client.json'),
  JSON.stringify(clientMetadataDocument(authOptions(origin))),
)
