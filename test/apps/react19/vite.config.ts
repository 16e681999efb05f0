import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Two pages: the app, and the static callback page at the redirect URI.
export default defineConfig({
  plugins: [react()],
  build: { rollupOptions: { input: ['index.html', 'callback.html'] } },
})
