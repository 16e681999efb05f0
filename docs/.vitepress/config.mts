import { defineConfig } from 'vitepress'

/**
 * The documentation site. `npm run docs` builds the API reference (TypeDoc, into public/api)
 * first, then this site; a dead internal link fails the build (VitePress's default).
 */
export default defineConfig({
  title: 'mcp-oauth',
  description: 'OAuth 2.1 for remote MCP servers, in the browser.',
  cleanUrls: true,
  srcExclude: ['tests/**', 'README.md'],
  head: [['link', { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }]],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'API', link: '/api/index.html', target: '_self' },
    ],
    sidebar: [
      {
        text: 'Getting started',
        items: [
          { text: 'Plain HTML', link: '/guide/getting-started' },
          { text: 'React', link: '/guide/react' },
          { text: 'Vue', link: '/guide/vue' },
          { text: 'Svelte', link: '/guide/svelte' },
          { text: 'SvelteKit', link: '/guide/sveltekit' },
          { text: 'Angular', link: '/guide/angular' },
          { text: 'Solid', link: '/guide/solid' },
          { text: 'Preact', link: '/guide/preact' },
        ],
      },
      {
        text: 'Guides',
        items: [
          { text: 'The callback page', link: '/guide/callback' },
          { text: 'The MCP SDK client', link: '/guide/mcp-sdk' },
          { text: 'What a server must send', link: '/guide/server-requirements' },
          { text: 'How the app gets a client ID', link: '/guide/registration' },
          { text: 'Connecting to real servers', link: '/guide/real-servers' },
          { text: 'Security model', link: '/guide/security' },
          { text: 'Statuses and error codes', link: '/guide/errors' },
          { text: 'Element reference', link: '/guide/elements' },
          { text: 'Theming the elements', link: '/guide/theming' },
          { text: 'Debugging', link: '/guide/debugging' },
          { text: 'Spec coverage (MCP 2026-07-28)', link: '/guide/spec-coverage' },
        ],
      },
      {
        text: 'Recipes',
        items: [
          { text: 'A callback route in your app', link: '/recipes/callback' },
          { text: 'Server-side rendering', link: '/recipes/ssr' },
          { text: 'Serving the client ID metadata document', link: '/recipes/client-metadata' },
          { text: 'The relay on your platform', link: '/recipes/relay' },
        ],
      },
      { text: 'API reference', link: '/api/index.html', target: '_self' },
    ],
    search: { provider: 'local' },
  },
})
