/**
 * A part of an element's behaviour with a life cycle of its own, in the manner of Lit's reactive
 * controllers: an element calls each of its controllers as it is connected, as what they follow
 * changes, and as it is removed.
 */
export interface Controller {
  /** The element was connected to a document. */
  hostConnected?(): void
  /** Something the controller may follow changed: `auth`, the page default, an attribute. */
  hostUpdate?(): void
  /** The element was removed: release every listener, timer and subscription. */
  hostDisconnected?(): void
}
