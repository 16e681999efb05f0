'use client'
import { useEffect } from 'react'
import { getAuth } from '../../auth'

export function FinishSignIn() {
  useEffect(() => {
    getAuth()
  }, [])
  return <p>Finishing sign-in…</p>
}
