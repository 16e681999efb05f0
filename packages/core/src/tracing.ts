import type { AuthContext, TracedStep } from './contracts/context.js'
import type { FetchLike } from './contracts/fetch.js'

/**
 * Runs one protocol step of `server`: straight through when nobody listens, else through the
 * event hook. The single place where the core reports what it does.
 */
export const traced = <T>(
  ctx: AuthContext,
  server: string,
  step: TracedStep,
  run: (fetch: FetchLike) => Promise<T>,
  input?: unknown,
): Promise<T> => (ctx.hook ? ctx.hook(server, step, run, input) : run(ctx.fetch))

/** The context of each `createMcpAuth()` instance, read only by `@mcp-oauth/core/events`. */
export const contexts = new WeakMap<object, AuthContext>()
