/**
 * The node rules, the same for every function: a tree holds own enumerable data properties only.
 * A symbol-keyed, non-enumerable or accessor property is refused (the pass that meets it names
 * the node's path), never silently dropped or turned into a data property, and a getter is never
 * run.
 *
 * Why the verdict is remembered per object: telling an accessor from a data property takes a
 * property descriptor per key, which costs several times a whole walk of the object; checked on
 * every visit, it made a flatten of a model about 3x slower (measured on ResNet152, see the
 * closing note of issue 14). So each object is checked the first time a tree function sees it,
 * and the objects the engine builds itself (data properties only, by construction) are never
 * checked. The price: such a property added to an object later, with `Object.defineProperty` or
 * a symbol-keyed assignment, is not noticed (frozen objects, such as wrapper records, cannot
 * change at all).
 *
 * Why the memory is a private field rather than a WeakSet: a tree met for the first time (a
 * model loaded, or the fresh objects a `treeMap` made at the previous training step) had every
 * object added to the WeakSet, and adding a new key to that ephemeron table cost more than the
 * check itself (`bench/README.md`, "The node-rule memory"). A private field is stamped on the
 * object by a constructor that returns it (the base class's constructor returns the object, so
 * the derived class's field initialiser defines the field on it): no code outside this module
 * can see or read it (not `Reflect.ownKeys`, not `JSON.stringify`, not `structuredClone`), so the
 * object is unchanged for its user (a debugger such as Chrome DevTools does list it). An object
 * that refuses the field (an engine may refuse it on a non-extensible object, as a TC39
 * proposal would have it; node 20 does not) goes to a WeakSet.
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

/** The error for a node type's `flatten` or `unflatten` that threw: its message, and it as cause. */
export function nodeTypeFailure(name: string, what: "flatten" | "unflatten", cause: unknown): NodeTypeError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new NodeTypeError(`the ${name} node type's ${what} failed: ${message}`, { cause });
}

/** Returns its argument, so that a derived class's fields are defined on any object. */
class ReturnsItsArgument {
  constructor(node: object) {
    return node;
  }
}

/** The mark of an object that passed the node rules. */
class Checked extends ReturnsItsArgument {
  readonly #checked = true;
  static has(node: object): boolean {
    return #checked in node;
  }
  static mark(node: object): void {
    new Checked(node);
  }
}

/** Checked objects that could not take the mark. */
const checkedElsewhere = new WeakSet<object>();
/** Whether `checkedElsewhere` holds anything (an empty WeakSet is not even asked). */
let anyElsewhere = false;

/** Whether `node` passed the node rules before (or was built by the engine). */
export function isChecked(node: object): boolean {
  return Checked.has(node) || (anyElsewhere && checkedElsewhere.has(node));
}

/**
 * Remembers that `node` holds enumerable data properties only: after a check, and for the objects
 * the engine builds (before they are frozen, so that they can take the mark).
 */
export function markChecked(node: object): void {
  try {
    // Not asked `Object.isExtensible` first: on a Proxy that would run a trap of the user's.
    Checked.mark(node);
  } catch {
    // An object that refuses the field (non-extensible, where an engine applies that to
    // private fields): remembered here instead.
    checkedElsewhere.add(node);
    anyElsewhere = true;
  }
}

/**
 * {@link markChecked} for an object the engine has just made (ordinary and extensible): marked
 * before its properties are added, which is cheaper than adding the mark to a full object.
 */
export function markBuilt(node: object): void {
  Checked.mark(node);
}

/** Throws unless every own property of `node` is an enumerable data property (remembered per object). */
export function checkOrdinary(node: object): void {
  if (isChecked(node)) return;
  checkOrdinaryNow(node);
  markChecked(node);
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
  if (isChecked(node)) return (node as { _tag?: unknown })._tag;
  return (Object.getOwnPropertyDescriptor(node, "_tag") as PropertyDescriptor).value;
}

/** How many containers static data is read to at most (a cycle, or a huge static value, is opaque). */
export const PLAIN_DATA_LIMIT = 10_000;

/**
 * Whether `value` is plain data all the way down: primitives, functions, arrays and plain objects
 * that pass the node rules, at most 10,000 containers (so a cycle is never followed forever).
 * How the static fields of records are printed (as JSON only then): a getter there is never run,
 * a toJSON never called.
 *
 * @example
 * isPlainData({ sizes: [2, 3], act: "relu" }); // true
 * isPlainData({ get x() { return 1; } });       // false
 */
export function isPlainData(value: unknown): boolean {
  const pending: unknown[] = [value];
  let read = 0;
  while (pending.length > 0) {
    const x = pending.pop();
    if (x === null || typeof x !== "object") continue;
    if (++read > PLAIN_DATA_LIMIT) return false;
    const kind = dataKind(x);
    if (kind === "array") for (let i = 0; i < (x as unknown[]).length; i++) pending.push((x as unknown[])[i]);
    else if (kind === "object") for (const k in x) pending.push((x as Record<string, unknown>)[k]);
    else return false;
  }
  return true;
}

/**
 * What static data may read inside `x`: an array (prototype `Array.prototype`) by its elements, a
 * plain object that passes the node rules by its values; `undefined` for anything else, which
 * is only ever compared by identity or shown by its kind.
 */
export function dataKind(x: object): "array" | "object" | undefined {
  const proto: unknown = Object.getPrototypeOf(x);
  if (Array.isArray(x)) return proto === Array.prototype ? "array" : undefined;
  if (proto !== Object.prototype && proto !== null) return undefined;
  try {
    checkOrdinary(x);
    return "object";
  } catch (e) {
    if (e instanceof NodeRuleError) return undefined;
    throw e;
  }
}

/** The index of the first hole of a sparse array, if it has one (for passes that do not push children). */
export function firstHole(array: readonly unknown[]): number | undefined {
  for (let i = 0; i < array.length; i++) {
    if (array[i] === undefined && !(i in array)) return i;
  }
  return undefined;
}
