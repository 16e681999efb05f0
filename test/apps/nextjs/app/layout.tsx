import { connection } from 'next/server'
import type { ReactNode } from 'react'

export const metadata = { title: 'Next.js app' }

/**
 * Rendered per request: the nonce in the policy changes every time, so no page may be
 * prerendered at build time with a stale one.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection()
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  )
}
