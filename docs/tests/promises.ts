import ts from 'typescript'

/**
 * Methods of the kit that never reject: a failure is the snapshot they resolve with. `void` is
 * the honest way to start them and not wait.
 */
const NEVER_REJECTS = new Set(['probe', 'retry'])

/** Where a promise can reject with nobody listening, by line of the source file. */
export interface PromiseProblem {
  node: ts.Node
  message: string
}

const skip = (node: ts.Expression): ts.Expression =>
  ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)
    ? skip(node.expression)
    : node

const methodName = (node: ts.Expression): string | undefined => {
  const call = skip(node)
  if (!ts.isCallExpression(call)) return undefined
  const callee = skip(call.expression)
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text
  return ts.isIdentifier(callee) ? callee.text : undefined
}

/** `p.catch(f)`, `p.then(f, g)`, or either followed by `.finally(h)`: the rejection is handled. */
function handled(node: ts.Expression): boolean {
  const call = skip(node)
  if (!ts.isCallExpression(call)) return false
  const callee = skip(call.expression)
  if (!ts.isPropertyAccessExpression(callee)) return false
  const name = callee.name.text
  if (name === 'catch') return true
  if (name === 'then') return call.arguments.length >= 2 || handled(callee.expression)
  if (name === 'finally') return handled(callee.expression)
  return false
}

const settles = (node: ts.Expression) => handled(node) || NEVER_REJECTS.has(methodName(node) ?? '')

/**
 * An async function whose whole body is a `try` with a `catch`: whatever fails inside is
 * caught, so the promise it returns does not reject.
 */
function catchesAll(fn: ts.SignatureDeclaration): boolean {
  if (!('body' in fn) || !fn.body) return false
  if (!ts.isBlock(fn.body)) return settles(fn.body)
  const last = fn.body.statements.at(-1)
  return (
    last !== undefined &&
    ts.isTryStatement(last) &&
    last.catchClause !== undefined &&
    fn.body.statements.slice(0, -1).every((statement) => !hasAwait(statement))
  )
}

function hasAwait(node: ts.Node): boolean {
  if (ts.isAwaitExpression(node)) return true
  if (ts.isFunctionLike(node)) return false
  return ts.forEachChild(node, hasAwait) ?? false
}

/** Whether a function is handed to someone else: an argument, a JSX value, an assignment. */
function passedOn(node: ts.Expression): boolean {
  const { parent } = node
  if (ts.isJsxExpression(parent)) return true
  if (ts.isCallOrNewExpression(parent)) return parent.arguments?.includes(node) ?? false
  return (
    ts.isBinaryExpression(parent) &&
    parent.right === node &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  )
}

/**
 * Finds the promises a sample leaves unhandled, the two ways that happen:
 * - a statement that starts a promise and drops it (`server.authorize()` on its own line);
 *   `void` is accepted only for the kit's methods that never reject;
 * - a promise-returning function given where the caller ignores the result (an event handler,
 *   `onclick`, `addEventListener`), unless it ends in `.catch()` or catches everything.
 */
export function unhandledPromises(checker: ts.TypeChecker, file: ts.SourceFile): PromiseProblem[] {
  const problems: PromiseProblem[] = []
  const thenable = (type: ts.Type): boolean =>
    type.isUnion() ? type.types.some(thenable) : type.getProperty('then') !== undefined
  const returnsPromise = (type: ts.Type) =>
    type.getCallSignatures().some((s) => thenable(s.getReturnType()))
  const ignoresResult = (node: ts.Expression): boolean => {
    const contextual = checker.getContextualType(node)
    if (!contextual) return false
    const parts = contextual.isUnion() ? contextual.types : [contextual]
    const signatures = parts.flatMap((part) => part.getCallSignatures())
    return (
      signatures.length > 0 &&
      signatures.every((s) => {
        const flags = s.getReturnType().getFlags()
        return (flags & (ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Undefined)) !== 0
      })
    )
  }

  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node)) {
      const expression = skip(node.expression)
      if (ts.isVoidExpression(expression)) {
        const operand = skip(expression.expression)
        if (thenable(checker.getTypeAtLocation(operand)) && !settles(operand)) {
          problems.push({
            node,
            message: '`void` drops a promise that can reject: add `.catch()`',
          })
        }
      } else if (thenable(checker.getTypeAtLocation(expression)) && !handled(expression)) {
        problems.push({
          node,
          message: NEVER_REJECTS.has(methodName(expression) ?? '')
            ? 'a promise dropped without a word: write `void` in front'
            : 'a promise dropped on the floor: await it or add `.catch()`',
        })
      }
    } else if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const signature = checker.getSignatureFromDeclaration(node)
      if (
        signature &&
        thenable(signature.getReturnType()) &&
        ignoresResult(node) &&
        !catchesAll(node)
      ) {
        problems.push({
          node,
          message: 'a handler returns a promise nobody reads: end it with `.catch()`',
        })
      }
    } else if ((ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && passedOn(node)) {
      const type = checker.getTypeAtLocation(node)
      if (returnsPromise(type) && ignoresResult(node)) {
        const declaration = checker.getSymbolAtLocation(node)?.valueDeclaration
        const fn =
          declaration && ts.isVariableDeclaration(declaration) && declaration.initializer
            ? declaration.initializer
            : declaration
        if (!fn || !ts.isFunctionLike(fn) || !catchesAll(fn)) {
          problems.push({
            node,
            message: `${node.getText()} returns a promise the caller ignores: wrap it and add \`.catch()\``,
          })
        }
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return problems
}
