// The app's CI check of its hosted document, with the published kit. Prints the result as JSON.
// Usage: node check-client-metadata.mjs <origin>
import { checkClientMetadataDocument } from '@mcp-oauth/core/client-metadata'
import { authOptions } from './auth-options.js'

const [origin] = process.argv.slice(2)
const options = authOptions(origin)
const result = await checkClientMetadataDocument(options.client.metadataUrl, options)
console.log(JSON.stringify(result))
