/** custom-elements.json as generated from the sources now. */
export function generate(): string
/** Where the committed manifest lives. */
export const manifestPath: string
