export interface AuthorizeOptions {
  /** Space-separated scopes; overrides the selection from the challenge and metadata. */
  scope?: string
  /** `popup` (default in browsers) or `redirect`. */
  mode?: 'popup' | 'redirect'
  /** Where a redirect flow returns to. Defaults to the current page. */
  returnTo?: string
}
