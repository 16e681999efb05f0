import { RelayRefusal } from './refusal.js'

/**
 * Imports a `node:` module on first use. The name goes through a variable so that bundlers for
 * runtimes without it (Workers, browsers) leave the import alone instead of failing the build;
 * where the module is missing, the request fails with a message that says what to pass instead.
 */
export async function loadNodeModule(name: `node:${string}`): Promise<unknown> {
  const specifier: string = name
  try {
    return await import(/* @vite-ignore */ specifier)
  } catch {
    throw new RelayRefusal(
      'upstream_unreachable',
      `This runtime has no ${name}: give the relay a resolve function (and a fetch).`,
    )
  }
}
