/**
 * Wrapper specs: a registered record that also says how it unwraps.
 *
 * @module
 */
import type { TreeOptions } from "../core/options";
import { registerRecord, type RecordSpec, type Registry } from "../core/registry";
import { ownTag } from "../core/rules";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How one wrapper tag is handled: its child fields, and its own unwrap, which receives the record
 * with its children already unwrapped (the free `unwrap` recurses; a wrapper's own unwrap never
 * does).
 *
 * @example
 * const clip: WrapperSpec = {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: (node) => tf.clipByValue(node.value, node.lo, node.hi),
 * };
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a spec's unwrap takes its own record type; the registry holds specs of every type
export interface WrapperSpec<Node = any, Out = unknown> extends RecordSpec {
  /** `options` are those of the `unwrap` call (its registry, `isLeaf`), for wrappers that walk a tree. */
  readonly unwrap: (node: Node, options: TreeOptions) => Out;
  /**
   * How to set the wrapper so that it unwraps to `value` (torch's `right_inverse`): returns a new
   * record of the same tag. Used by `treeAssign`. When a child of `node` is itself a wrapper, the
   * inverse stores into it with `assignValue(child, preimage, options)`, so nested wrappers are
   * set outermost first and innermost last. Absent when the wrapper cannot be inverted.
   */
  readonly inverse?: (node: Node, value: unknown, options: TreeOptions) => Node;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Returns a new registry that also knows the wrapper `spec.tag`. Throws when the tag is already
 * registered or the spec is malformed.
 *
 * @example
 * const registry = registerWrapper(defaultRegistry, {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
 * });
 * unwrap({ _tag: "Clip", value: tf.scalar(5), lo: 0, hi: 1 }, { registry }); // 1
 */
export function registerWrapper<Node, Out>(registry: Registry, spec: WrapperSpec<Node, Out>): Registry {
  if (typeof spec?.unwrap !== "function") {
    throw new TypeError(`registerWrapper: "${String(spec?.tag)}".unwrap must be a function`);
  }
  if (spec.inverse !== undefined && typeof spec.inverse !== "function") {
    throw new TypeError(`registerWrapper: "${String(spec.tag)}".inverse must be a function when given`);
  }
  return registerRecord(registry, spec);
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether a registered record spec is a wrapper's (it has an `unwrap`).
 *
 * @example
 * isWrapperSpec({ tag: "Pair", children: ["a", "b"] }); // false
 */
export function isWrapperSpec(spec: RecordSpec | undefined): spec is WrapperSpec {
  return spec !== undefined && typeof (spec as Partial<WrapperSpec>).unwrap === "function";
}

/** @internal A plain object (prototype Object or null) whose own `_tag` is `tag`. */
export function isTagged(x: unknown, tag: string): x is { readonly _tag: string } {
  if (x === null || typeof x !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && ownTag(x) === tag; // a getter is never run
}
