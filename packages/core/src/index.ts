export { createMcpAuth, type InteractiveDriver, type McpAuth } from './auth.js'
export { type BrowserDriverOptions, browserDriver } from './browser/driver.js'
export type { DpopMode, TokenType } from './dpop/policy.js'
export {
  AuthorizationError,
  ConfigurationError,
  DiscoveryError,
  McpAuthError,
  type McpAuthErrorCode,
  RegistrationError,
  TokenError,
} from './errors.js'
export { type AuthChallenge, parseWwwAuthenticate } from './http/www-authenticate.js'
export type { DriverSession } from './server/context.js'
export type { McpServerHandle } from './server/server-handle.js'
export { indexedDbStorage } from './storage/indexeddb.js'
export { memoryStorage } from './storage/memory.js'
export type { TokenStorage } from './storage/types.js'
export type {
  AuthorizationDriver,
  AuthorizationDriverRequest,
  AuthorizeOptions,
  McpAuthOptions,
  McpServerSnapshot,
  McpServerStatus,
  PopupState,
  PreRegisteredClient,
  RegistrationKind,
  RevocationOutcome,
  RevocationReport,
  TokenEndpointAuthMethod,
} from './types.js'
