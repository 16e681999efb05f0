import { handleCallback } from '@mcp-oauth/core/callback'

await handleCallback()
