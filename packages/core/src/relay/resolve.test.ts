import { expect, test } from 'vitest'
import { loadNodeModule } from './node-module.js'
import { RelayRefusal } from './refusal.js'
import { checkedAddresses, platformResolver } from './resolve.js'

test('the platform resolver answers every address of a name, from the hosts file here', async () => {
  const addresses = await platformResolver('localhost')
  expect(addresses.length).toBeGreaterThan(0)
  for (const address of addresses) expect(['127.0.0.1', '::1']).toContain(address)
})

test('the platform resolver is the default: loopback by name needs allowLoopback', async () => {
  const url = new URL('https://localhost/')
  await expect(checkedAddresses(url, platformResolver, false)).rejects.toMatchObject({
    reason: 'private_address',
  })
  expect(await checkedAddresses(url, platformResolver, true)).toEqual(
    await platformResolver('localhost'),
  )
})

test('a runtime without the node: module says what to pass instead', async () => {
  const missing = loadNodeModule('node:no-such-module')
  await expect(missing).rejects.toBeInstanceOf(RelayRefusal)
  await expect(missing).rejects.toMatchObject({
    reason: 'upstream_unreachable',
    message:
      'This runtime has no node:no-such-module: give the relay a resolve function (and a fetch).',
  })
  // Through the resolver: the refusal reaches the page as it is, not as "could not be resolved".
  await expect(
    checkedAddresses(
      new URL('https://mcp.example.com/'),
      () => loadNodeModule('node:x') as never,
      false,
    ),
  ).rejects.toMatchObject({ message: expect.stringContaining('has no node:x') })
})
