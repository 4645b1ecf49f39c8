/**
 * The node rules, the same for every function: a tree holds own enumerable data properties only.
 * A symbol-keyed, non-enumerable or accessor property is refused (the pass that meets it names
 * the node's path), never silently dropped or turned into a data property, and a getter is never
 * run.
 *
 * Why the verdict is remembered per object: telling an accessor from a data property takes a
 * property descriptor per key, which costs several times a whole walk of the object; checked on
 * every visit, it made a flatten of a model about 3x slower (measured on ResNet152, see the
 * closing note of issue 14). So each object is checked the first time a tree function sees it.
 * The price: such a property added to an object later, with `Object.defineProperty`, is not
 * noticed (frozen objects, such as wrapper records, cannot change at all).
 *
 * @internal
 * @module
 */

/** A node that breaks a rule; the pass that meets it adds the path and rethrows a TypeError. */
export class NodeRuleError extends Error {}

/**
 * A registered node type that could not be read (its `flatten` threw, or returned keys and
 * children that do not pair up): the pass adds the path, as for a rule, and keeps the cause.
 */
export class NodeTypeError extends NodeRuleError {}

/** Plain objects already checked (a model passed again and again is checked once). */
const checked = new WeakSet<object>();

/** Throws unless every own property of `node` is an enumerable data property (remembered per object). */
export function checkOrdinary(node: object): void {
  if (checked.has(node)) return;
  checkOrdinaryNow(node);
  checked.add(node);
}

/**
 * {@link checkOrdinary} without the memory: for the writers, which must not drop a property
 * added since a tree function last saw the object (writing costs far more than this check).
 */
export function checkOrdinaryNow(node: object): void {
  const symbols = Object.getOwnPropertySymbols(node);
  if (symbols.length > 0) throw new NodeRuleError(`a symbol-keyed property ${symbols[0]!.toString()}`);
  const names = Object.getOwnPropertyNames(node);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const d = Object.getOwnPropertyDescriptor(node, name) as PropertyDescriptor;
    if (!d.enumerable) throw new NodeRuleError(`a non-enumerable property ${JSON.stringify(name)}`);
    if (d.get !== undefined || d.set !== undefined) {
      throw new NodeRuleError(`an accessor property ${JSON.stringify(name)} (a getter or setter)`);
    }
  }
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever used with .call
const isEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * The value of `node`'s own enumerable `_tag` data property, or `undefined`: an accessor `_tag`
 * is no tag (the walk refuses the node at its path) and its getter is never run. Read through
 * the descriptor unless the node rules already passed the object (a model passed again and again
 * skips the descriptor's cost).
 */
export function ownTag(node: object): unknown {
  if (!isEnumerable.call(node, "_tag")) return undefined;
  if (checked.has(node)) return (node as { _tag?: unknown })._tag;
  return (Object.getOwnPropertyDescriptor(node, "_tag") as PropertyDescriptor).value;
}

/** The index of the first hole of a sparse array, if it has one (for passes that do not push children). */
export function firstHole(array: readonly unknown[]): number | undefined {
  for (let i = 0; i < array.length; i++) {
    if (array[i] === undefined && !(i in array)) return i;
  }
  return undefined;
}
