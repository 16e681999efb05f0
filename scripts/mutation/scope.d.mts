export const SOURCE_ROOT: string
export const MUTATE: string[]
export function isSource(path: string): boolean
export function isTest(path: string): boolean
