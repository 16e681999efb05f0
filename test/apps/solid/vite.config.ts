import { defineConfig } from 'vite'
import solid from 'vite-plugin-solid'

// Two pages: the app, and the static callback page at the redirect URI.
export default defineConfig({
  plugins: [solid()],
  build: { rollupOptions: { input: ['index.html', 'callback.html'] } },
})
