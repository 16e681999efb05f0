/** Where the Custom Elements Manifest of @mcp-oauth/web-components lives. */
export const manifestPath: string
/** Where the generated element reference lives. */
export const pagePath: string
/** The element reference page for a Custom Elements Manifest. */
export function render(manifest: unknown): string
