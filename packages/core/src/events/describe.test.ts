import { describe, expect, test } from 'vitest'
import { describeEvent, EVENT_TEXT, eventSummary, type McpEventText } from './describe.js'

const server = 'https://mcp.example.com/mcp'
const base = { seq: 1, server, at: 1_000 }

describe('each event in words', () => {
  test('the probe and the code exchange: the POST, and for the exchange the scopes granted', () => {
    expect(
      describeEvent({
        ...base,
        type: 'probe',
        url: server,
        httpStatus: 401,
        result: 'unauthorized',
      }),
    ).toBe('Probe: POST https://mcp.example.com/mcp → 401')
    expect(describeEvent({ ...base, type: 'probe' })).toBe('Probe: POST ')
    expect(
      describeEvent({
        ...base,
        type: 'token',
        url: 'https://as.example/token',
        httpStatus: 200,
        scopes: ['read', 'offline_access'],
        refreshToken: true,
      }),
    ).toBe('Token: POST https://as.example/token · read offline_access → 200')
    expect(describeEvent({ ...base, type: 'token', url: 'https://as.example/token' })).toBe(
      'Token: POST https://as.example/token',
    )
  })

  test('a refresh: why, the POST and the scopes granted', () => {
    expect(
      describeEvent({
        ...base,
        type: 'refresh',
        reason: 'invalid_token',
        url: 'https://as.example/token',
        httpStatus: 200,
        scopes: ['read', 'admin'],
      }),
    ).toBe('Refresh: invalid_token · POST https://as.example/token · read admin → 200')
    expect(
      describeEvent({
        ...base,
        type: 'refresh',
        reason: 'expiring',
        url: 'https://as.example/token',
      }),
    ).toBe('Refresh: expiring · POST https://as.example/token')
  })

  test('metadata discovery: the GET that answered', () => {
    expect(
      describeEvent({
        ...base,
        type: 'resource-metadata',
        url: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
        httpStatus: 200,
        fallback: false,
      }),
    ).toBe(
      'Resource metadata: GET https://mcp.example.com/.well-known/oauth-protected-resource/mcp → 200',
    )
    expect(
      describeEvent({
        ...base,
        type: 'authorization-server-metadata',
        issuer: 'https://as.example',
        url: 'https://as.example/.well-known/oauth-authorization-server',
        httpStatus: 200,
        fallback: false,
      }),
    ).toBe('AS metadata: GET https://as.example/.well-known/oauth-authorization-server → 200')
    expect(
      describeEvent({
        ...base,
        type: 'authorization-server-metadata',
        issuer: 'https://as.example',
        fallback: false,
        note: 'joined',
      }),
    ).toBe(
      'AS metadata: https://as.example — Shared with another server of this issuer: no request.',
    )
  })

  test('a challenge: its error, scope, metadata URL and other schemes, as they were sent', () => {
    expect(
      describeEvent({
        ...base,
        type: 'challenge',
        httpStatus: 403,
        hidden: false,
        challengeError: 'insufficient_scope',
        scope: 'read admin',
        resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
        otherSchemes: ['dpop', 'basic'],
      }),
    ).toBe(
      'Challenge: error=insufficient_scope · scope="read admin" · resource_metadata=https://mcp.example.com/.well-known/oauth-protected-resource/mcp · dpop · basic → 403',
    )
    expect(describeEvent({ ...base, type: 'challenge', httpStatus: 401, hidden: false })).toBe(
      'Challenge:  → 401',
    )
    expect(
      describeEvent({
        ...base,
        type: 'challenge',
        httpStatus: 401,
        hidden: true,
        note: 'challenge-hidden',
      }),
    ).toBe(
      'Challenge:  → 401 — No readable WWW-Authenticate (not sent, or not in Access-Control-Expose-Headers): discovery used the well-known URLs.',
    )
  })

  test('a registration: its kind and client ID, and whether it was kept from before', () => {
    expect(
      describeEvent({
        ...base,
        type: 'registration',
        kind: 'dynamic',
        clientId: 'client-1',
        url: 'https://as.example/register',
        httpStatus: 201,
      }),
    ).toBe('Registration: dynamic · client-1 → 201')
    expect(
      describeEvent({
        ...base,
        type: 'registration',
        kind: 'dynamic',
        clientId: 'client-1',
        reused: true,
      }),
    ).toBe('Registration: dynamic · client-1 · registered earlier')
    expect(describeEvent({ ...base, type: 'registration' })).toBe('Registration: ')
  })

  test('the authorization window: each phase, and the URL it opened', () => {
    expect(
      describeEvent({
        ...base,
        type: 'authorization',
        phase: 'opened',
        url: 'https://as.example/authorize?client_id=app&state=…',
        scopes: ['read'],
      }),
    ).toBe('Authorization: window opened · https://as.example/authorize?client_id=app&state=…')
    expect(describeEvent({ ...base, type: 'authorization', phase: 'closed' })).toBe(
      'Authorization: window reports closed; still listening',
    )
    expect(describeEvent({ ...base, type: 'authorization', phase: 'delivered' })).toBe(
      'Authorization: callback delivered',
    )
    expect(
      describeEvent({
        ...base,
        type: 'authorization',
        phase: 'failed',
        error: { code: 'cancelled', message: 'The authorization was cancelled', transient: false },
      }),
    ).toBe('Authorization: no callback — cancelled: The authorization was cancelled')
  })

  test('a step-up names only the scopes not granted yet', () => {
    expect(
      describeEvent({
        ...base,
        type: 'step-up',
        scopes: ['read', 'offline_access', 'admin', 'write'],
        granted: ['read', 'offline_access'],
      }),
    ).toBe('Step-up: admin · write')
  })

  test('a revocation: the outcome for each token, the refresh token first', () => {
    expect(
      describeEvent({
        ...base,
        type: 'revocation',
        accessToken: 'revoked',
        refreshToken: 'failed',
        httpStatus: 200,
      }),
    ).toBe('Revocation: refresh_token failed · access_token revoked → 200')
    expect(describeEvent({ ...base, type: 'revocation', accessToken: 'unsupported' })).toBe(
      'Revocation: access_token unsupported',
    )
  })

  test('an MCP call: the method and the JSON-RPC method, else the path', () => {
    expect(
      describeEvent({
        ...base,
        type: 'fetch',
        method: 'POST',
        rpc: 'tools/call',
        url: server,
        httpStatus: 200,
      }),
    ).toBe('MCP: POST tools/call → 200')
    expect(
      describeEvent({
        ...base,
        type: 'fetch',
        method: 'GET',
        url: 'https://mcp.example.com/mcp/sse?session=1',
        httpStatus: 405,
        note: 'sse-not-offered',
      }),
    ).toBe(
      'MCP: GET /mcp/sse → 405 — No standalone SSE stream: it is optional in Streamable HTTP, and the client goes on without it.',
    )
    expect(describeEvent({ ...base, type: 'fetch', method: 'GET', url: '/relative' })).toBe(
      'MCP: GET /relative',
    )
    expect(describeEvent({ ...base, type: 'fetch', method: 'DELETE' })).toBe('MCP: DELETE ')
  })

  test('the routes of an authorization, and a step whose requests went through the relay', () => {
    expect(
      describeEvent({
        ...base,
        type: 'route',
        url: 'https://as.example/token',
        token: 'direct',
        resource: 'direct',
        dpop: 'off',
        note: 'dpop-refused',
      }),
    ).toBe(
      'Route: token direct · resource direct · DPoP off — CORS refuses the DPoP header: bearer tokens.',
    )
    expect(
      describeEvent({
        ...base,
        type: 'token',
        url: 'https://as.example/token',
        httpStatus: 200,
        relay: true,
      }),
    ).toBe('Token: POST https://as.example/token · via the relay → 200')
  })

  test('a status change, with the error that came with it', () => {
    expect(
      describeEvent({
        ...base,
        type: 'status',
        from: 'authorizing',
        to: 'error',
        error: {
          code: 'iss_mismatch',
          message: 'The callback came from another issuer',
          transient: false,
        },
      }),
    ).toBe('Status: authorizing → error — iss_mismatch: The callback came from another issuer')
  })

  test('every event type opens with its own label', () => {
    const types = Object.keys(EVENT_TEXT.labels) as (keyof typeof EVENT_TEXT.labels)[]
    expect(types).toHaveLength(13)
    for (const type of types) {
      const event = { ...base, type, scopes: [] } as Parameters<typeof describeEvent>[0]
      const text = describeEvent(event)
      expect(text.startsWith(`${EVENT_TEXT.labels[type]}:`), type).toBe(true)
    }
  })
})

describe('other words', () => {
  const french: McpEventText = {
    labels: { ...EVENT_TEXT.labels, registration: 'Enregistrement', authorization: 'Autorisation' },
    notes: { ...EVENT_TEXT.notes, joined: 'Découverte partagée.' },
    phases: { ...EVENT_TEXT.phases, opened: 'fenêtre ouverte' },
    reused: 'déjà enregistré',
    relay: 'par le relais',
  }

  test('labels, phases, notes and the reused registration come from the text given', () => {
    expect(
      describeEvent(
        { ...base, type: 'registration', kind: 'dynamic', clientId: 'c', reused: true },
        french,
      ),
    ).toBe('Enregistrement: dynamic · c · déjà enregistré')
    expect(eventSummary({ ...base, type: 'authorization', phase: 'opened' }, french)).toBe(
      'fenêtre ouverte',
    )
    expect(
      describeEvent(
        {
          ...base,
          type: 'authorization-server-metadata',
          issuer: 'https://as.example',
          fallback: false,
          note: 'joined',
        },
        french,
      ),
    ).toBe('AS metadata: https://as.example — Découverte partagée.')
  })

  test('the summary alone has no status, note or error', () => {
    expect(
      eventSummary({
        ...base,
        type: 'fetch',
        method: 'GET',
        url: server,
        httpStatus: 405,
        note: 'sse-not-offered',
        error: { code: 'server_error', message: 'x', transient: true },
      }),
    ).toBe('GET /mcp')
  })
})
