import { describe, expect, test } from 'vitest'
import type { AuthContext, TracedStep } from '../contracts/context.js'
import { McpAuthError } from '../errors.js'
import { type StepRecord, stepEvents } from './steps.js'
import type { McpEventRequest } from './types.js'

const server = 'https://mcp.example.com/mcp'
const issuer = 'https://auth.example.com'
const ctx = {
  issuerHints: {
    urls: new Map([[issuer, `${issuer}/.well-known/openid-configuration`]]),
    pending: new Map(),
  },
} as unknown as AuthContext

const request = (url: string, status?: number, method = 'GET'): McpEventRequest => ({
  method,
  url,
  ...(status === undefined ? { failure: 'network' as const } : { status }),
  at: 5,
  ms: 2,
})

/** The record of one step that started at 5 and took 7 ms. */
const step = (
  name: TracedStep,
  requests: McpEventRequest[] = [],
  more: Partial<StepRecord> = {},
): StepRecord => ({ ctx, server, step: name, input: undefined, at: 5, ms: 7, requests, ...more })

const timing = { server, at: 5, ms: 7 }

/** Events carry no `undefined` fields: what JSON shows is all there is. */
const keysOf = (events: object[]) =>
  events.map((event) =>
    Object.entries(event)
      .filter(([, value]) => value === undefined)
      .map(([key]) => key),
  )

describe('probe', () => {
  test('an open server: its status, no challenge', () => {
    const requests = [request(server, 200, 'POST')]
    const events = stepEvents(
      step('probe', requests),
      { kind: 'open', status: 200 },
      undefined,
      false,
    )
    expect(events).toStrictEqual([
      { type: 'probe', ...timing, url: server, httpStatus: 200, result: 'open', requests },
    ])
  })

  test('a 403 with a DPoP challenge only: the probe, then the challenge at the same time', () => {
    const requests = [request(server, 403, 'POST')]
    const events = stepEvents(
      step('probe', requests),
      { kind: 'unauthorized', status: 403, challenge: undefined, otherSchemes: ['dpop'] },
      undefined,
      false,
    )
    expect(events).toHaveLength(2)
    expect(events[0]).toStrictEqual({
      type: 'probe',
      ...timing,
      url: server,
      httpStatus: 403,
      result: 'unauthorized',
      requests,
    })
    // An instant event at the step's start: no duration, no requests of its own.
    expect(events[1]).toMatchObject({
      type: 'challenge',
      server,
      at: 5,
      url: server,
      httpStatus: 403,
      hidden: false,
      otherSchemes: ['dpop'],
    })
    expect(keysOf(events)).toEqual([[], []])
    for (const key of ['ms', 'requests', 'note', 'scope', 'resourceMetadata', 'challengeError']) {
      expect(events[1]).not.toHaveProperty(key)
    }
  })

  test('a failed probe carries the error and no result', () => {
    const requests = [request(server)]
    const events = stepEvents(
      step('probe', requests),
      undefined,
      new TypeError('Failed to fetch'),
      true,
    )
    expect(events).toStrictEqual([
      {
        type: 'probe',
        ...timing,
        url: server,
        error: { code: 'network_error', message: 'Failed to fetch', transient: true },
        requests,
      },
    ])
  })

  test('the server URL is redacted', () => {
    const [event] = stepEvents(
      step('probe', [], { server: `${server}?api_key=k` }),
      { kind: 'open', status: 200 },
      undefined,
      false,
    )
    expect(event).toMatchObject({ url: `${server}?api_key=…` })
  })
})

describe('metadata discovery', () => {
  test('protected resource metadata: the URL that answered, its authorization servers', () => {
    const prmUrl = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
    const requests = [request(prmUrl, 200)]
    const events = stepEvents(
      step('prm', requests, { input: prmUrl }),
      { url: `${prmUrl}?key=k`, resource: server, authorization_servers: [issuer] },
      undefined,
      false,
    )
    expect(events).toStrictEqual([
      {
        type: 'resource-metadata',
        ...timing,
        url: `${prmUrl}?key=…`,
        httpStatus: 200,
        fallback: false,
        answered: `${prmUrl}?key=…`,
        authorizationServers: [issuer],
        requests,
      },
    ])
  })

  test('no metadata found: the first URL tried and its status, and the error', () => {
    const requests = [
      request('https://mcp.example.com/a', 404),
      request('https://mcp.example.com/b', 404),
    ]
    const [event] = stepEvents(
      step('prm', requests),
      undefined,
      new McpAuthError('resource_metadata_not_found', 'none'),
      true,
    )
    expect(event).toStrictEqual({
      type: 'resource-metadata',
      ...timing,
      url: 'https://mcp.example.com/a',
      httpStatus: 404,
      fallback: true,
      error: { code: 'resource_metadata_not_found', message: 'none', transient: false },
      requests,
    })
  })

  test('authorization server metadata: the issuer, and the URL the issuer is known by', () => {
    const requests = [request(`${issuer}/.well-known/openid-configuration`, 200)]
    const [event] = stepEvents(
      step('as', requests, { input: issuer }),
      { issuer: 'https://auth.example.com' },
      undefined,
      false,
    )
    expect(event).toStrictEqual({
      type: 'authorization-server-metadata',
      ...timing,
      url: `${issuer}/.well-known/openid-configuration`,
      httpStatus: 200,
      issuer,
      fallback: false,
      answered: `${issuer}/.well-known/openid-configuration`,
      requests,
    })
  })

  test('the issuer the metadata states is the one reported', () => {
    const [event] = stepEvents(
      step('as', [], { input: 'https://other.example' }),
      { issuer },
      undefined,
      false,
    )
    expect(event).toMatchObject({ issuer })
  })

  test('a failed discovery names the issuer it looked for', () => {
    const [event] = stepEvents(
      step('as', [request(`${issuer}/x`, 404)], { input: issuer }),
      undefined,
      new McpAuthError('authorization_server_not_found', 'none'),
      true,
    )
    expect(event).toMatchObject({ issuer, fallback: false, url: `${issuer}/x`, httpStatus: 404 })
    expect(event).not.toHaveProperty('answered')
  })

  test('the 2025-03-26 fallback: the server origin as issuer, the URL that answered 200', () => {
    const requests = [
      request('https://mcp.example.com/.well-known/oauth-authorization-server/mcp', 404),
      request('https://mcp.example.com/.well-known/oauth-authorization-server', 200),
    ]
    const [found] = stepEvents(
      step('as', requests),
      { issuer: 'https://mcp.example.com' },
      undefined,
      false,
    )
    expect(found).toStrictEqual({
      type: 'authorization-server-metadata',
      ...timing,
      url: 'https://mcp.example.com/.well-known/oauth-authorization-server',
      httpStatus: 200,
      issuer: 'https://mcp.example.com',
      fallback: true,
      answered: 'https://mcp.example.com/.well-known/oauth-authorization-server',
      requests,
    })
    // The default endpoints: nothing answered.
    const [defaults] = stepEvents(
      step('as', [requests[0]!]),
      { issuer: 'https://mcp.example.com' },
      undefined,
      false,
    )
    expect(defaults).toMatchObject({ fallback: true, httpStatus: 404, url: requests[0]!.url })
    expect(defaults).not.toHaveProperty('answered')
    const [failed] = stepEvents(step('as', []), undefined, new Error('x'), true)
    expect(failed).toMatchObject({ issuer: 'https://mcp.example.com', fallback: true })
  })

  test('a joined discovery says so; protected resource metadata never has an issuer', () => {
    const [joined] = stepEvents(
      step('as', [], { input: issuer, joined: true }),
      { issuer },
      undefined,
      false,
    )
    expect(joined).toMatchObject({ note: 'joined', issuer })
    expect(joined).not.toHaveProperty('requests')
    const [prm] = stepEvents(step('prm', []), undefined, new Error('x'), true)
    expect(prm).not.toHaveProperty('issuer')
    expect(prm).not.toHaveProperty('note')
  })
})

describe('registration', () => {
  const client = { clientId: 'client-1', issuer, kind: 'dynamic' }

  test('a dynamic registration made now, or kept from before (no request)', () => {
    const requests = [request(`${issuer}/register`, 201, 'POST')]
    expect(stepEvents(step('client', requests), client, undefined, false)).toStrictEqual([
      {
        type: 'registration',
        ...timing,
        url: `${issuer}/register`,
        httpStatus: 201,
        kind: 'dynamic',
        clientId: 'client-1',
        requests,
      },
    ])
    expect(stepEvents(step('client'), client, undefined, false)).toStrictEqual([
      { type: 'registration', ...timing, kind: 'dynamic', clientId: 'client-1', reused: true },
    ])
  })

  test('a pre-registered client is never "reused"; an empty client ID is left out', () => {
    expect(
      stepEvents(step('client'), { ...client, kind: 'pre-registered' }, undefined, false),
    ).toStrictEqual([
      { type: 'registration', ...timing, kind: 'pre-registered', clientId: 'client-1' },
    ])
    const [event] = stepEvents(step('client'), { ...client, clientId: '' }, undefined, false)
    expect(event).not.toHaveProperty('clientId')
  })

  test('no client identity: no kind, the error', () => {
    const [event] = stepEvents(
      step('client'),
      undefined,
      new McpAuthError('registration_failed', 'no client'),
      true,
    )
    expect(event).toStrictEqual({
      type: 'registration',
      ...timing,
      error: { code: 'registration_failed', message: 'no client', transient: false },
    })
  })
})

describe('the window, tokens and revocation', () => {
  test('the window: delivered, or failed with the error', () => {
    expect(
      stepEvents(step('window'), 'https://app.example/cb?code=c', undefined, false),
    ).toStrictEqual([{ type: 'authorization', ...timing, phase: 'delivered' }])
    const [failed] = stepEvents(
      step('window'),
      undefined,
      new McpAuthError('cancelled', 'stop'),
      true,
    )
    expect(failed).toStrictEqual({
      type: 'authorization',
      ...timing,
      phase: 'failed',
      error: { code: 'cancelled', message: 'stop', transient: false },
    })
  })

  test('a code exchange: scopes, expiry and whether a refresh token is held, never the tokens', () => {
    const requests = [request(`${issuer}/token`, 200, 'POST')]
    const issued = {
      accessToken: 'at-secret',
      refreshToken: 'rt-secret',
      expiresAt: 9_000,
      scopes: ['read'],
      tokenType: 'bearer',
    }
    expect(
      stepEvents(step('token', requests, { input: 'ignored' }), issued, undefined, false),
    ).toStrictEqual([
      {
        type: 'token',
        ...timing,
        url: `${issuer}/token`,
        httpStatus: 200,
        scopes: ['read'],
        expiresAt: 9_000,
        refreshToken: true,
        requests,
      },
    ])
    const [without] = stepEvents(
      step('token', requests),
      { accessToken: 'a', scopes: [], tokenType: 'bearer' },
      undefined,
      false,
    )
    expect(without).toMatchObject({ refreshToken: false })
    expect(without).not.toHaveProperty('scopes')
    expect(without).not.toHaveProperty('expiresAt')
  })

  test('a failed exchange or refresh says nothing of tokens', () => {
    const requests = [request(`${issuer}/token`, 400, 'POST')]
    const error = new McpAuthError('invalid_grant', 'refused')
    expect(stepEvents(step('token', requests), undefined, error, true)).toStrictEqual([
      {
        type: 'token',
        ...timing,
        url: `${issuer}/token`,
        httpStatus: 400,
        error: { code: 'invalid_grant', message: 'refused', transient: false },
        requests,
      },
    ])
    const [refresh] = stepEvents(
      step('refresh', requests, { input: 'expiring' }),
      undefined,
      error,
      true,
    )
    expect(refresh).toMatchObject({ type: 'refresh', reason: 'expiring' })
    expect(refresh).not.toHaveProperty('refreshToken')
  })

  test('revocation: the outcomes, the status of the last request', () => {
    const requests = [
      request(`${issuer}/revoke`, 200, 'POST'),
      request(`${issuer}/revoke`, 503, 'POST'),
    ]
    expect(
      stepEvents(
        step('revoke', requests),
        { accessToken: 'failed', refreshToken: 'revoked', accessTokenExpiresAt: 9_000 },
        undefined,
        false,
      ),
    ).toStrictEqual([
      {
        type: 'revocation',
        ...timing,
        url: `${issuer}/revoke`,
        httpStatus: 503,
        accessToken: 'failed',
        refreshToken: 'revoked',
        accessTokenExpiresAt: 9_000,
        requests,
      },
    ])
    const [one] = stepEvents(
      step('revoke', [request(`${issuer}/revoke`, 200, 'POST')]),
      { accessToken: 'revoked' },
      undefined,
      false,
    )
    expect(one).toMatchObject({ httpStatus: 200, accessToken: 'revoked' })
  })

  test('an access token refused with 400 is explained; other answers are not', () => {
    const refused = [
      request(`${issuer}/revoke`, 200, 'POST'),
      request(`${issuer}/revoke`, 400, 'POST'),
    ]
    const note = (report: object, requests: McpEventRequest[]) =>
      stepEvents(step('revoke', requests), report, undefined, false)[0]!.note
    expect(note({ accessToken: 'unsupported', refreshToken: 'revoked' }, refused)).toBe(
      'token-not-revocable',
    )
    expect(note({ accessToken: 'failed', refreshToken: 'revoked' }, refused)).toBeUndefined()
    expect(
      note({ accessToken: 'unsupported' }, [request(`${issuer}/revoke`, 503, 'POST')]),
    ).toBeUndefined()
    // A revocation that failed as a whole: the error, no outcome, no explanation.
    expect(
      stepEvents(step('revoke', refused), undefined, new TypeError('Failed to fetch'), true),
    ).toStrictEqual([
      {
        type: 'revocation',
        ...timing,
        url: `${issuer}/revoke`,
        httpStatus: 400,
        error: { code: 'network_error', message: 'Failed to fetch', transient: true },
        requests: refused,
      },
    ])
    // No revocation endpoint: nothing was sent.
    expect(
      stepEvents(step('revoke'), { accessToken: 'unsupported' }, undefined, false),
    ).toStrictEqual([{ type: 'revocation', ...timing, accessToken: 'unsupported' }])
  })
})

describe('server.fetch', () => {
  const call = { method: 'POST', url: server, rpc: 'tools/list' }

  test('the call: method, URL, JSON-RPC method and status; never its requests', () => {
    const requests = [request(server, 200, 'POST')]
    const events = stepEvents(
      step('fetch', requests, { call }),
      new Response('{}', { status: 200 }),
      undefined,
      false,
    )
    expect(events).toStrictEqual([
      { type: 'fetch', ...timing, url: server, httpStatus: 200, method: 'POST', rpc: 'tools/list' },
    ])
    expect(keysOf(events)).toEqual([[]])
  })

  test('a failed call: the error, no status', () => {
    const events = stepEvents(
      step('fetch', [request(server)], { call }),
      undefined,
      new TypeError('Failed to fetch'),
      true,
    )
    expect(events).toStrictEqual([
      {
        type: 'fetch',
        ...timing,
        url: server,
        method: 'POST',
        rpc: 'tools/list',
        error: { code: 'network_error', message: 'Failed to fetch', transient: true },
      },
    ])
  })

  test('a call not described still gives its status and challenge', () => {
    const events = stepEvents(
      step('fetch', [request(server, 401, 'POST')]),
      new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } }),
      undefined,
      false,
    )
    expect(events).toMatchObject([
      { type: 'fetch', ...timing, httpStatus: 401 },
      { type: 'challenge', hidden: false },
    ])
    expect(events[0]).not.toHaveProperty('url')
    expect(events[0]).not.toHaveProperty('method')
    expect(events[0]).not.toHaveProperty('note')
  })

  test('only a GET answered 405 is the SSE stream not offered', () => {
    const note = (method: string, status: number) =>
      stepEvents(
        step('fetch', [], { call: { method, url: server } }),
        new Response(null, { status }),
        undefined,
        false,
      )[0]!.note
    expect(note('GET', 405)).toBe('sse-not-offered')
    expect(note('POST', 405)).toBeUndefined()
    expect(note('GET', 404)).toBeUndefined()
  })

  test('a 401 or 403 answer is followed by its challenge, with the other schemes offered', () => {
    const answer = (status: number, header?: string) =>
      stepEvents(
        step('fetch', [], { call }),
        new Response(null, { status, headers: header ? { 'www-authenticate': header } : {} }),
        undefined,
        false,
      )
    expect(
      answer(
        401,
        'DPoP algs="ES256", Bearer error="invalid_token", resource_metadata="https://mcp.example.com/m?code=x"',
      ),
    ).toMatchObject([
      { type: 'fetch', ...timing, url: server, httpStatus: 401, method: 'POST', rpc: 'tools/list' },
      {
        type: 'challenge',
        server,
        at: 5,
        url: server,
        httpStatus: 401,
        hidden: false,
        resourceMetadata: 'https://mcp.example.com/m?code=…',
        challengeError: 'invalid_token',
        otherSchemes: ['dpop'],
      },
    ])
    const [, challenge] = answer(401, 'Bearer scope="read admin"')
    expect(challenge).toMatchObject({ hidden: false, scope: 'read admin' })
    for (const key of ['ms', 'requests', 'note', 'otherSchemes']) {
      expect(challenge).not.toHaveProperty(key)
    }
    expect(answer(403, 'DPoP error="insufficient_scope"')[1]).toMatchObject({
      type: 'challenge',
      hidden: false,
      otherSchemes: ['dpop'],
    })
    expect(answer(403, 'DPoP error="insufficient_scope"')[1]).not.toHaveProperty('challengeError')
    expect(answer(401)[1]).toMatchObject({
      type: 'challenge',
      hidden: true,
      note: 'challenge-hidden',
    })
    expect(answer(400, 'Bearer error="invalid_request"')).toHaveLength(1)
    expect(answer(200)).toHaveLength(1)
  })
})
