/** Side-effect entry: `import '@mcp-oauth/web-components/define'` registers both elements. */
import { defineMcpElements } from './index.js'

defineMcpElements()

export { defineMcpElements }
