import { deferred } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { withCrossTabLock } from './cross-tab-lock.js'
import { SingleFlight } from './single-flight.js'

describe('SingleFlight', () => {
  test('concurrent callers share one run; a later call runs again', async () => {
    const flight = new SingleFlight<number>()
    const gate = deferred()
    let runs = 0
    const task = async () => {
      runs += 1
      await gate.promise
      return runs
    }
    const results = Promise.all(Array.from({ length: 20 }, () => flight.run('k', task)))
    gate.resolve()
    expect(await results).toEqual(Array(20).fill(1))
    expect(await flight.run('k', task)).toBe(2)
  })

  test('different keys run independently; a failure is shared and then forgotten', async () => {
    const flight = new SingleFlight<string>()
    const a = flight.run('a', async () => 'a')
    const b = flight.run('b', async () => 'b')
    expect(await Promise.all([a, b])).toEqual(['a', 'b'])
    const failing = () => Promise.reject(new Error('boom'))
    await expect(Promise.all([flight.run('c', failing), flight.run('c', failing)])).rejects.toThrow(
      'boom',
    )
    expect(await flight.run('c', async () => 'ok')).toBe('ok')
  })
})

describe('withCrossTabLock', () => {
  afterEach(() => vi.unstubAllGlobals())

  test('takes an exclusive Web Lock named for the resource when the Locks API exists', async () => {
    const request = vi.fn((_name: string, _options: LockOptions, task: () => Promise<unknown>) =>
      task(),
    )
    vi.stubGlobal('navigator', { locks: { request } })
    expect(await withCrossTabLock('mcp-oauth:refresh:x', async () => 7)).toBe(7)
    expect(request).toHaveBeenCalledWith(
      'mcp-oauth:refresh:x',
      { mode: 'exclusive' },
      expect.any(Function),
    )
  })

  test('runs the task without the Locks API', async () => {
    vi.stubGlobal('navigator', {})
    expect(await withCrossTabLock('n', async () => 'direct')).toBe('direct')
  })

  test('without the Locks API, tasks of one name still run one at a time in the page', async () => {
    vi.stubGlobal('navigator', {})
    const gate = deferred()
    const order: string[] = []
    const first = withCrossTabLock('q', async () => {
      order.push('first starts')
      await gate.promise
      order.push('first ends')
    })
    const second = withCrossTabLock('q', async () => {
      order.push('second')
    })
    const other = withCrossTabLock('other', async () => {
      order.push('other name')
    })
    await other
    gate.resolve()
    await Promise.all([first, second])
    expect(order).toEqual(['first starts', 'other name', 'first ends', 'second'])
  })

  test('without the Locks API, a task queued while the second one runs still waits for it', async () => {
    vi.stubGlobal('navigator', {})
    const firstGate = deferred()
    const secondGate = deferred()
    const secondStarted = deferred()
    const order: string[] = []
    const first = withCrossTabLock('chain', async () => {
      order.push('first')
      await firstGate.promise
    })
    const second = withCrossTabLock('chain', async () => {
      order.push('second starts')
      secondStarted.resolve()
      await secondGate.promise
      order.push('second ends')
    })
    firstGate.resolve()
    await first
    await secondStarted.promise
    await new Promise((resolve) => setTimeout(resolve, 0))
    const third = withCrossTabLock('chain', async () => {
      order.push('third')
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    secondGate.resolve()
    await Promise.all([second, third])
    expect(order).toEqual(['first', 'second starts', 'second ends', 'third'])
  })
})
