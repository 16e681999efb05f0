import { Component, CUSTOM_ELEMENTS_SCHEMA, type OnDestroy, signal } from '@angular/core'
import type { McpServerSnapshot } from '@mcp-oauth/core'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { auth } from './auth'

const serverUrl = new URLSearchParams(location.search).get('server')

/**
 * The elements in an Angular template: `CUSTOM_ELEMENTS_SCHEMA` lets the compiler accept the
 * `mcp-` tags, `[attr.server-url]` sets the attribute (Angular binds properties otherwise), and
 * `(mcp-status-change)` listens to the element's event. The snapshot reaches the template
 * through a signal, which is all zoneless change detection needs.
 */
@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    @if (handle) {
      <main>
        <p>Status: <output id="status">{{ snapshot()?.status ?? 'unknown' }}</output></p>
        <mcp-authorize
          [attr.server-url]="handle.url"
          (mcp-status-change)="lastEvent.set($event.detail.status)"
        ></mcp-authorize>
        <button id="call" type="button" (click)="callEcho()">Call echo</button>
        <output id="tool">{{ tool() }}</output>
        <button id="disconnect" type="button" (click)="disconnect()">Disconnect</button>
        <p>Last event: <output id="event">{{ lastEvent() }}</output></p>
      </main>
    } @else {
      <p>No server selected.</p>
    }
  `,
})
export class AppComponent implements OnDestroy {
  /** No URL, no handle: `auth.server('')` throws. */
  readonly handle = serverUrl ? auth.server(serverUrl) : undefined
  readonly snapshot = signal<McpServerSnapshot | undefined>(undefined)
  readonly tool = signal('')
  readonly lastEvent = signal('')
  readonly #stop = this.handle?.subscribe((next) => this.snapshot.set(next))

  ngOnDestroy(): void {
    this.#stop?.()
  }

  async callEcho(): Promise<void> {
    if (!this.handle) return
    const client = new Client({ name: 'angular-app', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(this.handle.url), {
      fetch: this.handle.fetch,
    })
    try {
      await client.connect(transport)
      const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } })
      const [first] = result.content as { type: string; text?: string }[]
      this.tool.set(`echo: ${first?.text ?? ''}`)
    } catch (error) {
      this.tool.set(`failed: ${(error as Error).message}`)
    } finally {
      await client.close()
    }
  }

  /** A failed disconnect is in the snapshot too; the rejection needs only a catch. */
  disconnect(): void {
    this.handle?.disconnect().catch(() => {})
  }
}
