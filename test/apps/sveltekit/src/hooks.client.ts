// SvelteKit loads the client hooks before any route: zod's jitless mode is set before the MCP
// SDK (imported by a page) builds its schemas.
import '$lib/zod-jitless'
