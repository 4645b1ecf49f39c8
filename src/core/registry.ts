/**
 * The registry: which values are internal nodes of a tree besides arrays and plain objects.
 *
 * Two kinds of entries, looked up by the engine's one classifier (`node.ts`):
 *
 * - **Records**, by tag: a plain object `{ _tag: "Clip", value, lo, hi }` whose own `_tag` is
 *   registered is a node whose declared child fields are walked; every other field is static data
 *   that the treedef keeps. Wrappers are records whose spec also says how they unwrap (the
 *   engine carries that field without reading it).
 * - **Node types**, by class: instances of a registered class (or of `Map`) are nodes with a
 *   flatten/unflatten of their own, as optree's `register_pytree_node`.
 *
 * A registry is an immutable value: registering returns a new registry, so two libraries can
 * extend the same defaults without stepping on each other.
 *
 * @module
 */
import type { Key } from "./keyPath";
import { isCarriedSpec, ownSpecOf } from "./ownSpecs";
import { ownTag } from "./rules";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How one record tag is handled: its child fields. Specs may carry more fields (a wrapper's
 * `unwrap`); the registry keeps them as given.
 *
 * @example
 * const pair: RecordSpec = { tag: "Pair", children: ["left", "right"] };
 */
export interface RecordSpec {
  readonly tag: string;
  readonly children: readonly string[];
}

/**
 * How instances of one class are nodes: `flatten` gives their children (with the key of each, for
 * paths) and static data `aux`; `unflatten(aux, children)` rebuilds an instance. `aux` is compared
 * with `Object.is` (or element-wise for arrays) when structures are compared.
 *
 * @example
 * class Point { constructor(readonly x: number, readonly y: number) {} }
 * const pointNode: NodeTypeSpec<Point> = {
 *   name: "Point",
 *   type: Point,
 *   flatten: (p) => ({ keys: ["x", "y"], children: [p.x, p.y] }),
 *   unflatten: (_aux, [x, y]) => new Point(x as number, y as number),
 * };
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any class and any node type fit here; each spec is typed by its own `N`
export interface NodeTypeSpec<N = any> {
  /** Shown in treedefs and errors. */
  readonly name: string;
  /** The class; only its direct instances (prototype `type.prototype`) are nodes. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any class and any node type fit here; each spec is typed by its own `N`
  readonly type: abstract new (...args: any[]) => N;
  readonly flatten: (node: N) => {
    readonly keys: readonly Key[];
    readonly children: readonly unknown[];
    readonly aux?: unknown;
  };
  readonly unflatten: (aux: unknown, children: readonly unknown[]) => N;
}

/**
 * An immutable set of registered records (by tag) and node types (by prototype).
 *
 * @example
 * const registry = registerRecord(emptyRegistry, { tag: "Pair", children: ["left", "right"] });
 * registry.specs.has("Pair"); // true
 */
export interface Registry {
  readonly _tag: "Registry";
  readonly specs: ReadonlyMap<string, RecordSpec>;
  readonly types: ReadonlyMap<object, NodeTypeSpec>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The registry with nothing registered: every record is an ordinary object, every class
 * instance a leaf.
 *
 * @example
 * treeLeaves({ _tag: "Parameterize", args: [1] }, { registry: emptyRegistry }); // ["Parameterize", 1]
 */
export const emptyRegistry: Registry = Object.freeze({
  _tag: "Registry",
  specs: new Map(),
  types: new Map(),
});

/**
 * Returns a new registry that also knows the record tag `spec.tag`. Throws when the tag is already
 * registered (two meanings for one tag would make trees ambiguous) or the spec is malformed.
 *
 * @example
 * const registry = registerRecord(emptyRegistry, { tag: "Pair", children: ["left", "right"] });
 * treeLeaves({ _tag: "Pair", left: 1, right: 2, note: "static" }, { registry }); // [1, 2]
 */
export function registerRecord<S extends RecordSpec>(registry: Registry, spec: S): Registry {
  const { tag, children } = spec;
  const what = "registerRecord";
  if (typeof tag !== "string" || tag.length === 0) {
    throw new TypeError(`${what}: tag must be a non-empty string, got ${String(tag)}`);
  }
  if (registry.specs.has(tag)) throw new Error(`${what}: the tag "${tag}" is already registered`);
  if (!Array.isArray(children) || !children.every((c) => typeof c === "string")) {
    throw new TypeError(`${what}: "${tag}".children must be an array of field names`);
  }
  if (children.includes("_tag") || new Set(children).size !== children.length) {
    throw new TypeError(
      `${what}: "${tag}".children must be distinct field names other than "_tag", got [${children.join(", ")}]`,
    );
  }
  // A spec that records carry (`defineWrapper`'s) is frozen already and kept as is, so that the
  // records a decoder makes from this entry carry it too.
  const frozen = isCarriedSpec(spec)
    ? spec
    : Object.freeze({ ...spec, children: Object.freeze([...children]) });
  const specs = new Map(registry.specs);
  specs.set(tag, frozen);
  return Object.freeze({ _tag: "Registry", specs, types: registry.types });
}

/**
 * Returns a new registry in which the direct instances of `spec.type` are nodes (optree's
 * `register_pytree_node`). Throws when the class is already registered, or is `Object` or `Array`
 * (always nodes).
 *
 * @example
 * class Point { constructor(readonly x: number, readonly y: number) {} }
 * const registry = registerNodeType(emptyRegistry, {
 *   name: "Point",
 *   type: Point,
 *   flatten: (p: Point) => ({ keys: ["x", "y"], children: [p.x, p.y] }),
 *   unflatten: (_aux, [x, y]) => new Point(x as number, y as number),
 * });
 * treeMap((v: number) => v * 10, new Point(1, 2), { registry }); // Point { x: 10, y: 20 }
 */
export function registerNodeType<N>(registry: Registry, spec: NodeTypeSpec<N>): Registry {
  const what = "registerNodeType";
  const { name, type, flatten, unflatten } = spec;
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`${what}: name must be a non-empty string, got ${String(name)}`);
  }
  if (typeof type !== "function" || typeof type.prototype !== "object" || type.prototype === null) {
    throw new TypeError(`${what}: "${name}".type must be a class`);
  }
  if ((type as unknown) === Object || (type as unknown) === Array) {
    throw new TypeError(`${what}: plain objects and arrays are always nodes`);
  }
  if (typeof flatten !== "function" || typeof unflatten !== "function") {
    throw new TypeError(`${what}: "${name}" needs flatten and unflatten functions`);
  }
  const proto = type.prototype as object;
  if (registry.types.has(proto)) throw new Error(`${what}: the class of "${name}" is already registered`);
  const types = new Map(registry.types);
  types.set(proto, Object.freeze({ ...spec }) as NodeTypeSpec);
  return Object.freeze({ _tag: "Registry", specs: registry.specs, types });
}

/**
 * A node type for `Map`: its entries are the children, keyed and ordered by key (keys must be
 * strings or numbers, so that trees of maps have one order whatever the insertion order).
 *
 * @example
 * const registry = registerNodeType(emptyRegistry, mapNodeType);
 * treeLeaves(new Map([["b", 2], ["a", 1]]), { registry }); // [1, 2]
 */
export const mapNodeType: NodeTypeSpec<Map<Key, unknown>> = Object.freeze({
  name: "Map",
  type: Map,
  flatten: (map: Map<Key, unknown>) => {
    const keys = [...map.keys()];
    for (const k of keys) {
      if (typeof k !== "string" && typeof k !== "number") {
        throw new TypeError(`Map node: keys must be strings or numbers, got ${typeof k}`);
      }
    }
    keys.sort((a, b) =>
      typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === "number" ? -1 : 1,
    );
    return { keys, children: keys.map((k) => map.get(k)), aux: keys };
  },
  unflatten: (aux: unknown, children: readonly unknown[]) => {
    const keys = aux as readonly Key[];
    return new Map(keys.map((k, i) => [k, children[i]]));
  },
});

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * The spec registered for `node`'s tag, when `node` is a plain object whose own enumerable `_tag`
 * data property is registered, else the spec `node` carries itself (made by `defineWrapper`'s
 * constructor); `undefined` otherwise, and for an accessor `_tag`, whose getter is never run.
 *
 * @example
 * const registry = registerRecord(emptyRegistry, { tag: "Pair", children: ["left", "right"] });
 * lookupSpec(registry, { _tag: "Pair", left: 1, right: 2 })?.children; // ["left", "right"]
 * lookupSpec(registry, { _tag: "Unknown" }); // undefined
 */
export function lookupSpec(registry: Registry, node: unknown): RecordSpec | undefined {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const tag = ownTag(node); // a getter `_tag` is never run
  return typeof tag === "string" ? (registry.specs.get(tag) ?? ownSpecOf(node)) : undefined;
}
