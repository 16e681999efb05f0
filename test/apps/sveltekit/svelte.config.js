import adapter from '@sveltejs/adapter-node'

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    // SvelteKit starts the app with an inline script: `mode: 'hash'` adds its hash to
    // script-src, so the policy stays 'self' plus that one script. `connect-src` gets the
    // MCP and OAuth origins at run time (src/hooks.server.ts).
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self'],
        'connect-src': ['self'],
      },
    },
  },
}
