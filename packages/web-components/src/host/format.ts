/** Fills `{key}` placeholders with `values`; unknown placeholders stay as they are. */
export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match)
}
