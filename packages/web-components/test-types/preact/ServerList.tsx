// Type-checked by tsc against the built `@mcp-oauth/web-components/preact` types: the elements'
// attributes, properties and events in Preact's JSX. Each wrong usage below carries an
// expect-error directive, so tsc fails if the typings let one through.
import { createMcpAuth, type McpServerSnapshot } from '@mcp-oauth/core'
import type { McpErrorDetail } from '@mcp-oauth/web-components'
import type {} from '@mcp-oauth/web-components/preact'

const auth = createMcpAuth({ redirectUri: 'https://app.example/callback' })
const onAuthorized = (event: CustomEvent<McpServerSnapshot>) => event.detail.status
const onError = (event: CustomEvent<McpErrorDetail>) => event.detail.code

export const Valid = () => (
  <>
    <mcp-authorize
      server-url="https://mcp.example.com/mcp"
      server-name="Example"
      mode="popup"
      probe="manual"
      auth={auth}
      strings={{ authorize: 'Autoriser', errors: { timeout: 'Trop long' } }}
      onmcp-authorized={onAuthorized}
      onmcp-restored={(event) => event.detail.scopes.join(' ')}
      onmcp-error={onError}
      onmcp-status-change={onAuthorized}
      onmcp-authorize-request={(event) => event.preventDefault()}
      class="wide"
    />
    {/* biome-ignore lint/a11y/noHeaderScope: the elements' scope is OAuth scopes, not a table's */}
    <mcp-server-card server-url="https://mcp.example.com/mcp" scope="read" auth={auth} />
    <mcp-flow-timeline auth={auth} strings={{ title: 'Chronologie', labels: { fetch: 'Appel' } }} />
  </>
)

export const Invalid = () => (
  <>
    {/* @ts-expect-error server-url is required */}
    <mcp-server-card />
    {/* @ts-expect-error mode is popup or redirect */}
    <mcp-authorize server-url="https://mcp.example.com/mcp" mode="window" />
    {/* @ts-expect-error probe is auto or manual */}
    <mcp-authorize server-url="https://mcp.example.com/mcp" probe="never" />
    {/* @ts-expect-error strings has no such key */}
    <mcp-authorize server-url="https://mcp.example.com/mcp" strings={{ authorise: 'x' }} />
    {/* @ts-expect-error an error event carries { code, message }, not a snapshot */}
    <mcp-server-card server-url="https://mcp.example.com/mcp" onmcp-error={onAuthorized} />
    {/* @ts-expect-error a status change carries a snapshot */}
    <mcp-server-card server-url="https://mcp.example.com/mcp" onmcp-status-change={onError} />
    {/* @ts-expect-error the timeline's strings have no such key */}
    <mcp-flow-timeline strings={{ titel: 'x' }} />
    {/* @ts-expect-error auth is an McpAuth instance */}
    <mcp-server-card server-url="https://mcp.example.com/mcp" auth="https://auth.example" />
    {/* @ts-expect-error no such element */}
    <mcp-authorise server-url="https://mcp.example.com/mcp" />
  </>
)
