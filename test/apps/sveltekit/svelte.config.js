import adapter from '@sveltejs/adapter-node'

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    // SvelteKit starts the app with an inline script: `mode: 'hash'` adds its hash to
    // script-src, so the policy stays 'self' plus that one script. Its route announcer has an
    // inline `style` attribute: 'unsafe-hashes' with that attribute's hash allows exactly it.
    // The kit's elements need nothing. `connect-src` gets the MCP and OAuth origins at run
    // time (src/hooks.server.ts).
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': [
          'self',
          'unsafe-hashes',
          'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=',
        ],
        'connect-src': ['self'],
      },
    },
  },
}
