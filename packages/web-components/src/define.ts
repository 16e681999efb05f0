/**
 * Side-effect entry: `import '@mcp-oauth/web-components/define'` registers both elements in a
 * browser, and does nothing on a server (server-side rendering).
 */
import { defineMcpElements } from './index.js'

defineMcpElements()

export { defineMcpElements }
