import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [
    vue({
      // Without this Vue warns "Failed to resolve component: mcp-authorize".
      template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('mcp-') } },
    }),
  ],
})
