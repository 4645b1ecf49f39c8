/**
 * The registry: which `_tag` values name tree nodes, and which of their fields are children.
 *
 * A record such as `{ _tag: "Parameterize", fn, args }` is a node of the tree only when its tag is
 * registered; its declared child fields are walked, and every other field is static data that the
 * treedef keeps. The registry is an immutable value: adding a tag returns a new registry, so two
 * libraries can extend the defaults without stepping on each other.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How one tag is handled: its child fields and, for wrappers, how it unwraps.
 *
 * `unwrap` receives the record with its children already unwrapped (the free `unwrap` recurses;
 * a wrapper's own unwrap never does).
 *
 * @example
 * const clip: WrapperSpec = {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: (node) => tf.clipByValue(node.value, node.lo, node.hi),
 * };
 */
export interface WrapperSpec<Node = any, Out = unknown> {
  readonly tag: string;
  readonly children: readonly string[];
  readonly unwrap: (node: Node) => Out;
}

/**
 * An immutable set of registered tags.
 *
 * @example
 * const registry = registerWrapper(emptyRegistry, {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: (node: { value: tf.Tensor }) => tf.clipByValue(node.value, 0, 1),
 * });
 * registry.specs.has("Clip"); // true
 */
export interface Registry {
  readonly _tag: "Registry";
  readonly specs: ReadonlyMap<string, WrapperSpec>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The registry with no tags: every record is an ordinary object.
 *
 * @example
 * // Without the tag registered, the record is an ordinary object: `_tag` is a leaf too.
 * treeLeaves({ _tag: "Parameterize", args: [1] }, { registry: emptyRegistry }); // ["Parameterize", 1]
 */
export const emptyRegistry: Registry = Object.freeze({ _tag: "Registry", specs: new Map() });

/**
 * Returns a new registry that also knows `spec.tag`. Throws when the tag is already registered
 * (two different meanings for one tag would make trees ambiguous) or when the spec is malformed.
 *
 * @example
 * const registry = registerWrapper(defaultRegistry, {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
 * });
 * unwrapWith(registry)({ _tag: "Clip", value: tf.scalar(5), lo: 0, hi: 1 }); // 1
 */
export function registerWrapper<Node, Out>(registry: Registry, spec: WrapperSpec<Node, Out>): Registry {
  const { tag, children, unwrap } = spec;
  if (typeof tag !== "string" || tag.length === 0) {
    throw new TypeError(`registerWrapper: tag must be a non-empty string, got ${String(tag)}`);
  }
  if (registry.specs.has(tag)) {
    throw new Error(`registerWrapper: the tag "${tag}" is already registered`);
  }
  if (!Array.isArray(children) || !children.every((c) => typeof c === "string")) {
    throw new TypeError(`registerWrapper: "${tag}".children must be an array of field names`);
  }
  if (children.includes("_tag") || new Set(children).size !== children.length) {
    throw new TypeError(
      `registerWrapper: "${tag}".children must be distinct field names other than "_tag", got [${children.join(", ")}]`,
    );
  }
  if (typeof unwrap !== "function") {
    throw new TypeError(`registerWrapper: "${tag}".unwrap must be a function`);
  }
  const frozen: WrapperSpec = Object.freeze({ tag, children: Object.freeze([...children]), unwrap });
  const specs = new Map(registry.specs);
  specs.set(tag, frozen);
  return Object.freeze({ _tag: "Registry", specs });
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * The spec registered for `node`'s tag, when `node` is a plain object whose own `_tag` is
 * registered; `undefined` otherwise.
 *
 * @example
 * lookupSpec(defaultRegistry, Parameterize(Math.exp, 0))?.children; // ["args"]
 * lookupSpec(defaultRegistry, { _tag: "Unknown" }); // undefined
 */
export function lookupSpec(registry: Registry, node: unknown): WrapperSpec | undefined {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
  const proto = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return undefined;
  // Only an own enumerable `_tag` makes a record, as in every tree pass (an inherited or hidden
  // one does not, so that `isUnwrappable` and `unwrap` always agree).
  if (!Object.prototype.propertyIsEnumerable.call(node, "_tag")) return undefined;
  const tag = (node as { _tag?: unknown })._tag;
  return typeof tag === "string" ? registry.specs.get(tag) : undefined;
}
