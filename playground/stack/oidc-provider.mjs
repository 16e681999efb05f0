/**
 * oidc-provider, imported without its "Unsupported runtime" notice.
 *
 * oidc-provider 9 prints that notice on any Node release older than 22 LTS, at import time, as one
 * `console.warn`. It states the library's support policy, not a fault: the demo stack uses no API
 * that Node 20 lacks, and every test of this repository runs it on Node 20.19+. Exactly that one
 * line is dropped; every other warning passes through.
 */
const NOTICE = 'oidc-provider WARNING: Unsupported runtime.'

const warn = console.warn
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes(NOTICE)) return
  warn(...args)
}
let module
try {
  module = await import('oidc-provider')
} finally {
  console.warn = warn
}

export default module.default
export const { errors } = module
