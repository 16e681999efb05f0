/** Small DOM helpers: the elements build their nodes once and then change them in place. */

export type Child = Node | string | false | null | undefined

/** Builds an element; text goes in as text nodes only, never as HTML. */
export function h(
  tag: string,
  props: Record<string, string | boolean | ((event: Event) => void)> = {},
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(key.slice(2), value)
    else if (value === true) element.setAttribute(key, '')
    else if (value !== false) element.setAttribute(key, value)
  }
  for (const child of children) if (child) element.append(child)
  return element
}

/** Sets a text node's text only when it differs, so nothing is announced or repainted twice. */
export function setText(node: Text, value: string): void {
  if (node.data !== value) node.data = value
}

/** Sets (string), adds (`true`) or removes (`false`) an attribute, only when that changes it. */
export function setAttr(element: Element, name: string, value: string | boolean): void {
  const next = value === true ? '' : value || null
  if (element.getAttribute(name) === next) return
  if (next === null) element.removeAttribute(name)
  else element.setAttribute(name, next)
}

/** What each slot shows, as the `key` it was last filled for. */
const shown = new WeakMap<Element, string>()

/**
 * Fills `slot` with `content()`, unless `key` (what the content depends on) is the one it was
 * last filled for: then nothing changes, and focus and typed input survive. Focus inside the
 * old content moves to the control with the same `data-key` in the new content, else to its
 * first control, else to `fallback`: never to `<body>`, so keyboard and screen-reader users
 * keep their place.
 */
export function swap(slot: Element, fallback: HTMLElement, key: unknown[], content: () => Child[]) {
  const id = JSON.stringify(key)
  if (shown.get(slot) === id) return
  shown.set(slot, id)
  const active = (slot.getRootNode() as ShadowRoot).activeElement as HTMLElement | null
  const inside = !!active && slot.contains(active)
  const focused = active?.dataset.key
  slot.replaceChildren(...content().filter((node): node is Node | string => !!node))
  if (!inside) return
  const target =
    (focused && slot.querySelector<HTMLElement>(`[data-key="${focused}"]`)) ||
    slot.querySelector<HTMLElement>('button, input') ||
    fallback
  target.focus()
}

/** A button whose `data-key` lets focus follow it across views. */
export function button(key: string, label: string, onClick: () => void, kind = ''): HTMLElement {
  return h(
    'button',
    { type: 'button', part: `button ${kind}`.trim(), 'data-key': key, onclick: onClick },
    label,
  )
}
