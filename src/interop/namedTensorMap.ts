/**
 * tfjs's flat weights and paramtree's trees, both ways.
 *
 * tfjs keeps weights as a `NamedTensorMap` (`{ "dense/kernel": tensor, ... }`): what
 * `tf.io.loadWeights` and `tf.io.decodeWeights` return and what a `LayersModel`'s weights are
 * named by. The names are key paths written with `/` (`keystr(path, { separator: "/" })`), so a
 * map is a tree laid flat. {@link fromNamedTensorMap} builds the tree, {@link toNamedTensorMap}
 * lays it flat again; one undoes the other.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { treeFlattenWithPath } from "../core/flatten";
import { describePath, keystr, quoteForMessage as quoted, type KeyPath } from "../core/keyPath";
import type { TreeOptions } from "../core/options";
import { describeValue, isTensor } from "../tensor/values";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import { isUnwrappable } from "../wrappers/unwrap";

/** A tree of tensors as {@link fromNamedTensorMap} builds it: objects keyed by name segment. */
export interface TensorTree {
  readonly [key: string]: tf.Tensor | TensorTree;
}

/** Options of {@link fromNamedTensorMap}. */
export interface FromNamedTensorMapOptions {
  /** What separates the segments of a name; `"/"` (tfjs's) when omitted. */
  readonly separator?: string;
}

/** Options of {@link toNamedTensorMap}: the tree options, and the separator of the names. */
export interface ToNamedTensorMapOptions extends TreeOptions {
  /** What joins the keys of a path into a name; `"/"` (tfjs's) when omitted. */
  readonly separator?: string;
}

/**
 * The tree whose leaves are the tensors of `map`, nested by the `/`-separated segments of their
 * names: `{ "dense/kernel": k, "dense/bias": b }` becomes `{ dense: { kernel: k, bias: b } }`.
 * The tree holds the map's own tensors (no copies). Every segment becomes an object key, numeric
 * ones too (tfjs names are strings). Refused with a `TypeError` naming the weights: an empty name
 * or segment (`"a//b"`), a value that is not a tensor, and two names where one is a tensor and the
 * other would need it to be a folder (`"dense"` and `"dense/kernel"`); and, saying what it got, a
 * `map` that is not a plain object (`null`, an array, a `Map`) or a separator that is not a
 * non-empty string.
 *
 * @example
 * const map = { "dense/kernel": tf.ones([2, 3]), "dense/bias": tf.zeros([3]), "out/kernel": tf.ones([3, 1]) };
 * const tree = fromNamedTensorMap(map);
 * Object.keys(tree); // ["dense", "out"]
 * treeMap((t: tf.Tensor) => t.shape, tree); // { dense: { bias: [3], kernel: [2, 3] }, out: { kernel: [3, 1] } }
 * Object.keys(toNamedTensorMap(tree)).sort(); // ["dense/bias", "dense/kernel", "out/kernel"]
 * tf.dispose(Object.values(map));
 */
export function fromNamedTensorMap(map: tf.NamedTensorMap, options?: FromNamedTensorMapOptions): TensorTree {
  const separator = checkSeparator("fromNamedTensorMap", options?.separator);
  if (!isPlainObject(map)) {
    throw new TypeError(
      `fromNamedTensorMap: expected a NamedTensorMap (a plain object of weight names to tensors), got ${describeInput(map)}`,
    );
  }
  const root: Record<string, unknown> = {};
  // Sorted, a name comes before every name it is a prefix of: a conflict is always met as a
  // tensor where a folder is needed.
  for (const name of Object.keys(map).sort()) {
    const value = map[name];
    if (!isTensor(value)) {
      throw new TypeError(
        `fromNamedTensorMap: the weight ${quoted(name)} is ${describeValue(value)}, not a tensor`,
      );
    }
    const segments = name.split(separator);
    if (segments.some((s) => s === "")) {
      throw new TypeError(
        `fromNamedTensorMap: the weight name ${quoted(name)} has an empty segment (separator ${quoted(separator)})`,
      );
    }
    let node = root;
    for (let i = 0; i < segments.length - 1; i++) {
      const key = segments[i] as string;
      const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
      if (isTensor(next)) {
        throw new TypeError(
          `fromNamedTensorMap: the weights ${quoted(segments.slice(0, i + 1).join(separator))} and ${quoted(name)} conflict: the first is a tensor, the second needs it to hold weights`,
        );
      }
      if (next === undefined) {
        const folder: Record<string, unknown> = {};
        define(node, key, folder);
        node = folder;
      } else {
        node = next as Record<string, unknown>;
      }
    }
    define(node, segments[segments.length - 1] as string, value);
  }
  return root as TensorTree;
}

/**
 * The `NamedTensorMap` of a tree of tensors: each tensor leaf under the name of its key path
 * joined with `/` (`keystr(path, { separator: "/" })`), so `tf.io.encodeWeights` and a
 * `LayersModel` can take it. The map holds the tree's own tensors (no copies). Refused with a
 * `TypeError` naming the key path: a wrapper (unwrap the tree first), a leaf that is not a tensor,
 * a key that contains the separator or is empty (its name would not come back as the same path),
 * a tensor at the root (its name would be empty), and two paths that give the same name.
 *
 * @example
 * const tree = { dense: { kernel: tf.ones([2, 3]), bias: tf.zeros([3]) }, layers: [tf.scalar(1)] };
 * Object.keys(toNamedTensorMap(tree)); // ["dense/bias", "dense/kernel", "layers/0"]
 * toNamedTensorMap({ a: { "b/c": tf.scalar(1) } }); // throws 'at .a["b/c"] the key "b/c" contains the separator "/"'
 * tf.dispose(treeLeaves(tree));
 */
export function toNamedTensorMap(tree: unknown, options?: ToNamedTensorMapOptions): tf.NamedTensorMap {
  const separator = checkSeparator("toNamedTensorMap", options?.separator);
  const resolved = withDefaultRegistry(options);
  const registryOptions: TreeOptions = { ...resolved, isLeaf: (x) => isUnwrappable(x, resolved) };
  const [pairs] = treeFlattenWithPath<unknown>(tree, registryOptions);
  const map: tf.NamedTensorMap = {};
  const from = new Map<string, KeyPath>();
  pairs.forEach(([path, leaf]) => {
    const where = describePath(path);
    if (isUnwrappable(leaf, resolved)) {
      throw new TypeError(
        `toNamedTensorMap: at ${where} there is a wrapper (${(leaf as { _tag: string })._tag}); unwrap the tree first`,
      );
    }
    if (!isTensor(leaf)) {
      throw new TypeError(`toNamedTensorMap: at ${where} there is ${describeValue(leaf)}, not a tensor`);
    }
    if (path.length === 0) {
      throw new TypeError(
        "toNamedTensorMap: the tree is a single tensor, whose name would be empty (a name is the key path); put it under a key, e.g. { weight: tensor }",
      );
    }
    const name = keystr(path, { separator });
    for (const key of path) {
      const s = String(key);
      if (s === "") {
        throw new TypeError(
          `toNamedTensorMap: at ${where} a key is empty, so the name ${quoted(name)} would not read back as this path (empty segments are refused)`,
        );
      }
      if (s.includes(separator)) {
        throw new TypeError(
          `toNamedTensorMap: at ${where} the key ${quoted(s)} contains the separator ${quoted(separator)}, so the name ${quoted(name)} would read back as another path`,
        );
      }
    }
    const before = from.get(name);
    if (before !== undefined) {
      throw new TypeError(
        `toNamedTensorMap: ${describePath(before)} and ${where} both give the name ${quoted(name)}`,
      );
    }
    from.set(name, path);
    define(map, name, leaf);
  });
  return map;
}

/** The separator of the options: `"/"` when omitted, else a non-empty string. */
function checkSeparator(caller: string, separator: unknown): string {
  if (separator === undefined) return "/";
  if (typeof separator !== "string" || separator === "") {
    throw new TypeError(
      `${caller}: the separator must be a non-empty string, got ${separator === "" ? "an empty string" : describeValue(separator)}`,
    );
  }
  return separator;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** `describeValue`, with the way out for a `Map`. */
function describeInput(x: unknown): string {
  return x instanceof Map ? "a Map (pass Object.fromEntries(map))" : describeValue(x);
}

/** Sets an own enumerable data property (so `__proto__` stays an ordinary key). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
