export { createMcpAuth } from './auth.js'
export { browserDriver } from './browser/driver.js'
export type { AuthorizeOptions } from './contracts/authorize.js'
export type {
  PreRegisteredClient,
  RegistrationKind,
  TokenEndpointAuthMethod,
} from './contracts/client.js'
export type { DpopMode, TokenType } from './contracts/dpop.js'
export type {
  AuthorizationDriver,
  AuthorizationDriverRequest,
  BrowserDriverOptions,
  DriverSession,
  InteractiveDriver,
} from './contracts/driver.js'
export type { McpServerHandle } from './contracts/handle.js'
export type { McpAuth } from './contracts/instance.js'
export type { McpAuthOptions } from './contracts/options.js'
export type { RelayOption, Route, TokenRoute } from './contracts/routes.js'
export type {
  McpServerSnapshot,
  McpServerStatus,
  PopupState,
  RevocationOutcome,
  RevocationReport,
} from './contracts/snapshot.js'
export type { TokenStorage } from './contracts/storage.js'
export {
  AuthorizationError,
  ConfigurationError,
  DiscoveryError,
  McpAuthError,
  type McpAuthErrorCode,
  RegistrationError,
  type RegistrationRefusal,
  TokenError,
} from './errors.js'
export { type AuthChallenge, parseWwwAuthenticate } from './http/www-authenticate.js'
export { indexedDbStorage } from './storage/indexeddb.js'
export { memoryStorage } from './storage/memory.js'
