import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('../..', import.meta.url))
let program: ts.Program | undefined

/**
 * The string literals of an exported union type of `@mcp-oauth/core` (or of another entry's
 * source `file`), read by the TypeScript checker from the source: a value added to the union
 * shows up here at once.
 */
export function unionMembers(typeName: string, file = 'index.ts'): string[] {
  const entry = `${root}packages/core/src/${file}`
  program ??= ts.createProgram(
    [
      `${root}packages/core/src/index.ts`,
      `${root}packages/core/src/events.ts`,
      `${root}packages/core/src/relay.ts`,
    ],
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
    },
  )
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(entry)
  const moduleSymbol = source && checker.getSymbolAtLocation(source)
  if (!moduleSymbol) throw new Error(`cannot read ${entry}`)
  const exported = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === typeName)
  if (!exported) throw new Error(`${typeName} is not exported by ${file}`)
  const symbol =
    exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
  const type = checker.getDeclaredTypeOfSymbol(symbol)
  const members = type.isUnion() ? type.types : [type]
  return members.map((member) => {
    if (!member.isStringLiteral()) throw new Error(`${typeName} has a non-string member`)
    return member.value
  })
}
