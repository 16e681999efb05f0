// Runs in the bench page before any of its scripts (Playwright `addInitScript`): counts what the
// page does with IndexedDB, Web Locks, BroadcastChannel, `Request`, WebCrypto, timers and fetch,
// by wrapping each platform entry point. `window.benchCounters` holds the counts; `reset()`
// starts a new phase. Only calls from page code are seen: what fetch does inside the browser
// (its own Request, its own body reads) is not.
export function installCounters() {
  const counts = {}
  const fetched = []
  const reset = () => {
    for (const name of [
      'idbOpens',
      'idbTransactions',
      'locks',
      'channels',
      'channelMessages',
      'requests',
      'clones',
      'bodyReads',
      'crypto',
      'timers',
      'fetches',
    ]) {
      counts[name] = 0
    }
    fetched.length = 0
  }
  reset()

  /** Replaces `owner[name]` by a function that counts, then calls the original. */
  const count = (owner, name, counter) => {
    const original = owner?.[name]
    if (typeof original !== 'function') return
    Object.defineProperty(owner, name, {
      configurable: true,
      writable: true,
      value: function (...args) {
        counts[counter] += 1
        return original.apply(this, args)
      },
    })
  }

  count(IDBFactory.prototype, 'open', 'idbOpens')
  count(IDBDatabase.prototype, 'transaction', 'idbTransactions')
  if (typeof LockManager !== 'undefined') count(LockManager.prototype, 'request', 'locks')
  count(BroadcastChannel.prototype, 'postMessage', 'channelMessages')
  for (const name of ['clone']) count(Request.prototype, name, 'clones')
  for (const name of ['text', 'json', 'arrayBuffer', 'blob', 'formData', 'bytes']) {
    count(Request.prototype, name, 'bodyReads')
  }
  for (const name of [
    'sign',
    'verify',
    'digest',
    'generateKey',
    'importKey',
    'exportKey',
    'encrypt',
    'decrypt',
  ]) {
    count(SubtleCrypto.prototype, name, 'crypto')
  }
  count(Crypto.prototype, 'getRandomValues', 'crypto')
  count(Crypto.prototype, 'randomUUID', 'crypto')
  count(window, 'setTimeout', 'timers')
  count(window, 'setInterval', 'timers')

  const construct = (name, counter) => {
    window[name] = new Proxy(window[name], {
      construct(target, args, newTarget) {
        counts[counter] += 1
        return Reflect.construct(target, args, newTarget)
      },
    })
  }
  construct('Request', 'requests')
  construct('BroadcastChannel', 'channels')

  const nativeFetch = window.fetch
  window.fetch = function (input, init) {
    counts.fetches += 1
    const url = input instanceof Request ? input.url : String(input)
    fetched.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url}`)
    return nativeFetch.call(this, input, init)
  }

  window.benchCounters = {
    reset,
    /** The counts since the last reset, and the fetched `METHOD url` lines. */
    read: () => ({ ...counts, fetched: [...fetched] }),
  }
}
