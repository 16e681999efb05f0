import type { Inputs } from './record.mjs'

export function hashText(text: string): string
export function wiringOnly(code: string): boolean
export function testGraph(
  root: string,
  tests: string[],
): Promise<Record<string, { files: string[]; sources: string[] }>>
export function settingsHash(root: string): Promise<string>
export function readInputs(root: string): Promise<Inputs>
