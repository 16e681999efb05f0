import { lazily } from './lazily.js'

// Steps of a sign-in loaded when they are reached, by the connect chunk or the handle. Apart
// from `load.ts`, which loads the connect chunk itself: what the chunk imports never leads back
// to it.

/**
 * Dynamic client registration (RFC 7591): only an authorization server with no client for this
 * app yet needs it, once.
 */
export const loadRegistration = lazily(() => import('../registration/register.js'), 'sign-in')

/**
 * Finishing an authorization from its callback: the response checks and the code exchange.
 * Loaded while the user is at the authorization server.
 */
export const loadExchange = lazily(() => import('./exchange-callback.js'), 'sign-in')
