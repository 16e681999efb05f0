import { describe, expect, test } from 'vitest'
import { firstInPriorityOrder } from './candidates.js'

const A = 'https://as.example.com/a'
const B = 'https://as.example.com/b'

describe('firstInPriorityOrder', () => {
  test('once a candidate is picked, the requests still in flight are aborted', async () => {
    const signals = new Map<string, AbortSignal>()
    const fetchFn = ((input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = String(input)
      signals.set(url, init.signal!)
      if (url === A) return Promise.resolve(Response.json({ n: 1 }))
      return new Promise<Response>((_resolve, reject) => {
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason))
      })
    }) as typeof fetch
    const found = await firstInPriorityOrder(fetchFn, [A, B], 'resource metadata', {}, (r) =>
      'ok' in r && r.ok ? r.body : undefined,
    )
    expect(found).toEqual({ n: 1 })
    expect(signals.get(A)).toBe(signals.get(B))
    expect(signals.get(B)?.aborted).toBe(true)
  })

  test('a rejection from the picker aborts the rest too', async () => {
    let signal: AbortSignal | undefined
    const fetchFn = ((_input: RequestInfo | URL, init: RequestInit = {}) => {
      signal = init.signal!
      return Promise.resolve(Response.json({}))
    }) as typeof fetch
    const boom = new Error('bad document')
    await expect(
      firstInPriorityOrder(fetchFn, [A], 'resource metadata', {}, () => {
        throw boom
      }),
    ).rejects.toBe(boom)
    expect(signal?.aborted).toBe(true)
  })

  test('nothing picked → undefined, in priority order', async () => {
    const seen: string[] = []
    const fetchFn = (async () => new Response(null, { status: 404 })) as typeof fetch
    const found = await firstInPriorityOrder(fetchFn, [A, B], 'resource metadata', {}, (r, url) => {
      seen.push(url)
      expect(r).toEqual({ ok: false, status: 404 })
      return undefined
    })
    expect(found).toBeUndefined()
    expect(seen).toEqual([A, B])
  })
})
