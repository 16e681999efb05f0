import type { Handle } from '@sveltejs/kit'
import { env } from '$env/dynamic/private'

/** Adds the MCP servers' and authorization servers' origins (known at run time) to connect-src. */
export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event)
  const policy = response.headers.get('content-security-policy')
  if (policy && env.CONNECT_SRC) {
    response.headers.set(
      'content-security-policy',
      policy.replace("connect-src 'self'", `connect-src 'self' ${env.CONNECT_SRC}`),
    )
  }
  return response
}
