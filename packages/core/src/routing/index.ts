/**
 * Routing a request straight to its server or through the app's relay, and deciding the routes
 * of a new authorization before its code exists. A chunk of its own, loaded by the first request
 * of an instance with a relay, or by an authorization that has DPoP or a relay to decide about.
 */
export { planAuthorization } from './plan.js'
export { route } from './router.js'
