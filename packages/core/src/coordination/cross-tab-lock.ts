/** Tails of the in-page queues, by lock name, used where the Locks API is missing. */
const localQueues = new Map<string, Promise<unknown>>()

/**
 * Runs `task` while holding an exclusive Web Lock named `name`, so only one tab refreshes or
 * writes a resource's tokens at a time (refresh tokens rotate: a second refresh with the same
 * token would be `invalid_grant`; OAuth 2.1 §4.3.1). Without the Locks API the task waits in
 * an in-page queue of the same name instead. Not reentrant.
 */
export async function withCrossTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (locks?.request) return locks.request(name, { mode: 'exclusive' }, task) as Promise<T>
  const previous = localQueues.get(name) ?? Promise.resolve()
  const run = previous.then(task, task)
  const tail = run.then(
    () => {},
    () => {},
  )
  localQueues.set(name, tail)
  void tail.then(() => {
    if (localQueues.get(name) === tail) localQueues.delete(name)
  })
  return run
}
