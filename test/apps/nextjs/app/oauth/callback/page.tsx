import { FinishSignIn } from './finish'

/**
 * The redirect URI. The client component creates the auth instance, which delivers the
 * authorization response; nothing from the query is rendered.
 */
export default function Callback() {
  return <FinishSignIn />
}
