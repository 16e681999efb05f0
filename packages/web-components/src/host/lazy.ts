/**
 * A module an element needs only in a state most pages never reach (a form, the report after a
 * sign-out), loaded the first time it is asked for. Until then the getter answers `undefined`
 * and the element renders without it; once loaded, the element that asked renders again. A
 * failed load is tried again the next time.
 */
export function lazy<Module>(
  load: () => Promise<Module>,
): (element: { refresh(): void }) => Module | undefined {
  let module: Module | undefined
  return (element) => {
    if (!module) {
      load().then(
        (loaded) => {
          module = loaded
          element.refresh()
        },
        () => {},
      )
    }
    return module
  }
}
