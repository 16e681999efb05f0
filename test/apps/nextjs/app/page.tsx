import { Demo } from './demo'

/** A server component: the server URL comes from the query, the rest renders in `Demo`. */
export default async function Home({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const { server } = await searchParams
  return typeof server === 'string' ? <Demo serverUrl={server} /> : <p>No server selected.</p>
}
