import type { AuthContext, EventHook } from '../contracts/context.js'
import type { FetchLike } from '../contracts/fetch.js'
import type { McpServerHandle } from '../contracts/handle.js'
import type { McpAuth } from '../contracts/instance.js'
import type { McpServerSnapshot, McpServerStatus } from '../contracts/snapshot.js'
import { ConfigurationError } from '../errors.js'
import { diagnosable, relayed } from '../http/transport-error.js'
import { contexts } from '../tracing.js'
import { eventError, redactUrl } from './redact.js'
import { type StepRecord, stepEvents, type Unnumbered } from './steps.js'
import type { McpAuthEvent, McpAuthEventListener, McpEventRequest } from './types.js'

/** The listeners of one instance; `seq` goes on across subscriptions, so it never repeats. */
interface Hub {
  readonly listeners: Set<McpAuthEventListener>
  seq: number
  stop?: (() => void) | undefined
}

const hubs = new WeakMap<AuthContext, Hub>()

/**
 * Listens to what one `createMcpAuth()` instance does, step by step: the probe and its
 * challenge, protected resource and authorization server metadata (every candidate URL tried,
 * and which answered), registration and its kind, the authorization window (opened, closed,
 * delivered), the code exchange, each refresh and why, step-up, revocation, every
 * `server.fetch` call, and every status change. Returns the unsubscribe function.
 *
 * Events come as each step ends (a window's `opened` as it starts); a status change a step
 * makes comes just before that step's own event, with an `at` inside the step's time: sort by
 * `at` for a timeline. Nothing secret is in any event: events are built field by field from
 * what the kit knows, never from request bodies or headers.
 *
 * While nobody listens the core does no work for events: the hook is attached with the first
 * subscription and removed with the last.
 *
 * @param auth an instance made by `createMcpAuth()`.
 */
export function subscribeEvents(auth: McpAuth, listener: McpAuthEventListener): () => void {
  const ctx = contexts.get(auth)
  if (!ctx) {
    throw new ConfigurationError(
      'invalid_configuration',
      'subscribeEvents() needs an instance made by createMcpAuth()',
    )
  }
  let hub = hubs.get(ctx)
  if (!hub) {
    hub = { listeners: new Set(), seq: 0 }
    hubs.set(ctx, hub)
  }
  const own: McpAuthEventListener = (event) => listener(event)
  const { listeners } = hub
  listeners.add(own)
  hub.stop ??= start(auth, ctx, hub)
  return () => {
    if (listeners.delete(own) && !listeners.size) {
      // Stryker disable next-line OptionalChaining: a hub that has listeners always has its stop
      hub.stop?.()
      hub.stop = undefined
    }
  }
}

type Emit = (event: Unnumbered, cause?: unknown) => void

/** Attaches the hook and watches every handle; returns what undoes both. */
function start(auth: McpAuth, ctx: AuthContext, hub: Hub): () => void {
  /** Errors a step's event already carries: the status change that follows does not repeat them. */
  const reported = new WeakSet<object>()
  const emit: Emit = ({ type, ...event }, cause) => {
    if (event.error && cause instanceof Object) reported.add(cause)
    const numbered = Object.freeze({ type, seq: ++hub.seq, ...event }) as McpAuthEvent
    for (const listener of [...hub.listeners]) {
      try {
        listener(numbered)
      } catch (error) {
        // A failing listener must not break the flow nor starve the others.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }
  const statusOf = (server: string) =>
    // Stryker disable next-line OptionalChaining: asked only about a step's own server, which always has a handle
    auth
      .servers()
      .find((handle) => handle.url === server)
      ?.getSnapshot().status
  ctx.hook = hook(ctx, emit, statusOf)
  const watched = new Map<unknown, () => void>()
  const watchAll = () => {
    for (const handle of auth.servers()) {
      if (!watched.has(handle)) watched.set(handle, watch(handle, emit, reported))
    }
  }
  const unwatch = auth.onServersChange(watchAll)
  watchAll()
  return () => {
    ctx.hook = undefined
    unwatch()
    for (const stop of watched.values()) stop()
  }
}

const elapsed = (since: number) => Math.round(performance.now() - since)

const urlOf = (resource: RequestInfo | URL) =>
  redactUrl(resource instanceof Request ? resource.url : String(resource))

const methodOf = (resource: RequestInfo | URL, init: RequestInit | undefined) =>
  (init?.method ?? (resource instanceof Request ? resource.method : 'GET')).toUpperCase()

/** The JSON-RPC method names of an MCP request body; never its parameters. */
export function rpcMethods(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    const methods = (Array.isArray(parsed) ? parsed : [parsed])
      .map((message) => (message as { method?: unknown } | null)?.method)
      .filter((method): method is string => typeof method === 'string')
      .filter((method) => /^[\w./-]{1,64}$/.test(method))
    return methods.join(', ') || undefined
  } catch {
    // Not JSON: no method to name.
  }
}

/** The JSON-RPC method(s) of a `server.fetch` call, read without consuming its body. */
function rpcOf(
  resource: RequestInfo | URL,
  init: RequestInit | undefined,
): string | undefined | Promise<string | undefined> {
  if (typeof init?.body === 'string') return rpcMethods(init.body)
  if (init?.body != null || !(resource instanceof Request) || !resource.body) return undefined
  try {
    return resource
      .clone()
      .text()
      .then(rpcMethods, () => undefined)
  } catch {
    // A body already read: no method to name.
  }
}

/**
 * The hook the core calls for each step: it times the step, records each request it sends
 * (method, redacted URL, status, timing; no header, no body) and emits the step's events.
 * The step's promise is returned as it is, so the flow behaves exactly as without listeners.
 */
function hook(
  ctx: AuthContext,
  emit: Emit,
  statusOf: (server: string) => McpServerStatus | undefined,
): EventHook {
  return (server, step, run, input) => {
    const at = Date.now()
    const began = performance.now()
    const requests: McpEventRequest[] = []
    const observe: FetchLike = (resource, init) => {
      const sentAt = Date.now()
      const sent = performance.now()
      const index =
        requests.push({
          method: methodOf(resource, init),
          url: urlOf(resource),
          at: sentAt,
          ms: 0,
        }) - 1
      const settle = (status?: number, error?: unknown, relay?: boolean) => {
        requests[index] = {
          ...requests[index]!,
          ...(relay ? { relay: true } : {}),
          ...(status === undefined
            ? {
                failure:
                  (error as Error)?.name === 'AbortError' || init?.signal?.aborted
                    ? 'aborted'
                    : 'network',
              }
            : { status }),
          ms: elapsed(sent),
        }
      }
      const response = ctx.fetch(resource, init)
      // A relay's refusal or failure went through the relay too.
      response.then(
        (r) => settle(r.status, undefined, relayed.has(r)),
        (error: unknown) => settle(undefined, error, relayed.has(error as object)),
      )
      return response
    }
    // An observer of the default fetch is diagnosed like it (CORS or offline).
    if (diagnosable.has(ctx.fetch)) diagnosable.add(observe)

    // Stryker disable next-line ArrayDeclaration: only the fetch step reads the call; others ignore it
    const [resource, init] = step === 'fetch' ? (input as [RequestInfo | URL, RequestInit]) : []
    const rpc = resource && rpcOf(resource, init)
    const from = resource && statusOf(server)
    if (step === 'window') {
      const scope = new URL(input as string).searchParams.get('scope')
      emit({
        type: 'authorization',
        server,
        at,
        url: redactUrl(input as string),
        phase: 'opened',
        ...(scope ? { scopes: scope.split(' ') } : {}),
      })
    }

    const finish = (value: unknown, error: unknown, failed: boolean) => {
      const send = (rpc?: string) => {
        const record: StepRecord = {
          ctx,
          server,
          step,
          input,
          at,
          ms: elapsed(began),
          requests,
          // Metadata found without a request of its own: another server's discovery of this
          // issuer, under way or done, served this one.
          joined: step === 'as' && !failed && !requests.length,
          ...(resource && {
            call: { method: methodOf(resource, init), url: urlOf(resource), rpc },
          }),
        }
        for (const event of stepEvents(record, value, error, failed)) {
          const to = event.type === 'fetch' && statusOf(server)
          emit(to && from && to !== from ? { ...event, from, to } : event, error)
        }
      }
      // Emitted at once, before the caller goes on, so that the status change the failure
      // causes finds the error already reported. Only a `Request` body is read later.
      if (rpc instanceof Promise) void rpc.then(send)
      else send(rpc)
    }
    const promise = run(observe)
    promise.then(
      (value) => finish(value, undefined, false),
      (error: unknown) => finish(undefined, error, true),
    )
    return promise
  }
}

/**
 * Status events for one handle: every change of status (or a new error), a step-up when the
 * server asks for more scopes, and the popup reporting closed. The subscription's first call
 * is the present state, not news, and is not reported.
 */
function watch(handle: McpServerHandle, emit: Emit, reported: WeakSet<object>): () => void {
  let before: McpServerSnapshot | undefined
  return handle.subscribe((snapshot) => {
    const previous = before
    before = snapshot
    if (!previous) return
    const base = { server: handle.url, at: Date.now() }
    const { status, error } = snapshot
    const fresh = error && error !== previous.error && !reported.has(error) ? error : undefined
    if (status !== previous.status || fresh) {
      emit({
        type: 'status',
        ...base,
        from: previous.status,
        to: status,
        ...(fresh && { error: eventError(fresh) }),
      })
    }
    if (status === 'needs-step-up' && previous.status !== status) {
      emit({
        type: 'step-up',
        ...base,
        scopes: snapshot.stepUpScopes ?? [],
        granted: snapshot.scopes,
      })
    }
    if (status === 'authorizing' && snapshot.popup === 'closed' && previous.popup !== 'closed') {
      emit({ type: 'authorization', ...base, phase: 'closed' })
    }
  })
}
