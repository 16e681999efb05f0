import { McpAuthProvider } from '@mcp-oauth/react'
import { defineMcpFlowTimeline } from '@mcp-oauth/web-components/timeline'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { auth, loadStack } from '../setup.js'
import { App } from './App.js'

const stack = await loadStack()
defineMcpFlowTimeline()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={new QueryClient()}>
      <McpAuthProvider auth={auth}>
        <App stack={stack} />
      </McpAuthProvider>
    </QueryClientProvider>
  </StrictMode>,
)
