/**
 * `treeAt`: a functional update of the node(s) that a selector picks (equinox's `tree_at`).
 *
 * The selector is ordinary code (`t => t.layers[0].weight`), which JavaScript cannot inspect. So
 * it is run on a *shadow* of the tree: a copy whose containers are fresh objects and whose leaves
 * and `null`s are unique marker objects. Whatever the selector returns is then found by identity
 * in the shadow, which names one exact place even when the tree holds the number `0` ten times or
 * the same tensor twice. The real tree is then rebuilt along the paths to those places only:
 * every untouched subtree is shared with the input, which is never modified.
 *
 * @module
 */
import { build } from "./build";
import { treeStructure } from "./flatten";
import { describePath, type KeyPath } from "./keyPath";
import { LEAF, NONE, type Meta } from "./node";
import { resolveOptions, type TreeOptions } from "./options";
import { VISIT, rebuildPass } from "./rebuildPass";
import { nodePath } from "./treedef";
import { withPath } from "./frames";
import { NodeTypeError } from "./rules";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Picks one node of a tree, or several as an array: `t => t.layers[0].weight`,
 * `t => [t.encoder, t.decoder.bias]`. It must only navigate the structure: it runs on a stand-in
 * tree whose leaves are opaque markers, so it cannot read leaf values (such as a tensor's shape).
 *
 * @example
 * const firstWeight: Selector<{ layers: { w: number }[] }> = (t) => t.layers[0]!.w;
 */
export type Selector<T> = (tree: T) => unknown;

/** A marker standing in for the leaf or empty node at pre-order index `index`. */
class Marker {
  constructor(readonly index: number) {}
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * A copy of `tree` with the node(s) that `where` selects replaced. When `where` returns a node of
 * the tree, `replacement` replaces it; when it returns an array of nodes (a fresh array, not one
 * of the tree's own arrays), `replacement` must be an array of as many values.
 *
 * Any node can be selected: a leaf (even a number), an internal node, `null`, a wrapper record;
 * static fields of records cannot. Only the containers on the paths to the selected nodes are
 * rebuilt (records keep their static fields, and are frozen again when they were); every other
 * subtree is shared with the input, which is never modified. Throws, naming what was selected,
 * when `where` returns something that is not a node of the tree, and when two selections coincide
 * or one contains the other.
 *
 * @example
 * const model = { layers: [{ w: 1, b: 0 }, { w: 2, b: 0 }] };
 * treeAt((m) => m.layers[1]!.b, model, 5);   // { layers: [{ w: 1, b: 0 }, { w: 2, b: 5 }] }
 * treeAt((m) => [m.layers[0]!.w, m.layers[1]!.w], model, [10, 20]).layers[1]!.w; // 20
 * model.layers[1]!.b;                         // 0: the input is unchanged
 */
export function treeAt<T>(where: Selector<T>, tree: T, replacement: unknown, options?: TreeOptions): T {
  return update("treeAt", where, tree, options, (_old, i, count) => {
    if (count === undefined) return replacement;
    if (!Array.isArray(replacement) || replacement.length !== count) {
      throw new Error(
        `treeAt: \`where\` selected ${count} nodes, so the replacement must be an array of ${count} values, got ` +
          (Array.isArray(replacement) ? `an array of ${replacement.length}` : typeof replacement),
      );
    }
    return replacement[i];
  });
}

/**
 * Like {@link treeAt}, replacing each selected node by `f(node)` (equinox's `replace_fn`).
 *
 * @example
 * treeModifyAt((t) => t.lr, { lr: 0.1, steps: 3 }, (x: number) => x / 10); // { lr: 0.01, steps: 3 }
 * treeModifyAt((t) => [t.a, t.b], { a: 1, b: 2 }, (x: number) => -x);      // { a: -1, b: -2 }
 */
export function treeModifyAt<T>(
  where: Selector<T>,
  tree: T,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the selected node's type is the caller's to annotate in `f`
  f: (node: any) => unknown,
  options?: TreeOptions,
): T {
  return update("treeModifyAt", where, tree, options, (old) => f(old));
}

/**
 * Like {@link treeModifyAt}, replacing each selected node by `f(path, node, i, count)`, where
 * `path` is the node's key path from the root (for messages that say where), `i` its place in
 * the selection and `count` the number of selected nodes, `undefined` when `where` selected one
 * node rather than an array of nodes.
 *
 * @example
 * treeModifyAtWithPath((t) => t.a[1], { a: [1, 2] }, (path, x: number) => `${keystr(path)}=${x}`); // { a: [1, ".a[1]=2"] }
 */
export function treeModifyAtWithPath<T>(
  where: Selector<T>,
  tree: T,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the selected node's type is the caller's to annotate in `f`
  f: (path: KeyPath, node: any, i: number, count: number | undefined) => unknown,
  options?: TreeOptions,
): T {
  return modifyAtWithPath("treeModifyAtWithPath", where, tree, f, options);
}

/**
 * @internal {@link treeModifyAtWithPath} whose errors start with `what` (the name of the public
 * function that uses it, such as `treeAssign`) rather than its own name.
 *
 * @example
 * modifyAtWithPath("treeAssign", (t) => t.a, { a: 1 }, (_path, x: number) => x + 1); // { a: 2 }
 */
export function modifyAtWithPath<T>(
  what: string,
  where: Selector<T>,
  tree: T,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the selected node's type is the caller's to annotate in `f`
  f: (path: KeyPath, node: any, i: number, count: number | undefined) => unknown,
  options?: TreeOptions,
): T {
  return update(what, where, tree, options, (old, i, count, path) => f(path(), old, i, count));
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

/** A value named for an error message without printing a whole tree. */
function describeSelected(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value)}`;
    case "number":
    case "boolean":
    case "bigint":
      return `the ${typeof value} ${String(value)}`;
    case "function":
      return `the function ${value.name === "" ? "<anonymous>" : value.name}`;
    case "symbol":
      return value.toString();
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "Object" ? `a ${name}` : "an object";
}

interface Shadow {
  /** The stand-in tree the selector runs on. */
  readonly root: unknown;
  /** Pre-order index of each of the shadow's internal nodes. */
  readonly internal: Map<unknown, number>;
  /** The tree's nodes in pre-order. */
  readonly nodes: readonly Meta[];
  /** How many nodes the subtree at each pre-order index has. */
  readonly sizes: readonly number[];
}

/** Builds the shadow from the tree's structure, walking its pre-order nodes backwards. */
function makeShadow(tree: unknown, options: TreeOptions | undefined): Shadow {
  const nodes = treeStructure(tree, options).nodes;
  const internal = new Map<unknown, number>();
  const sizes = new Array<number>(nodes.length);
  const values: unknown[] = [];
  const counts: number[] = [];
  for (let n = nodes.length - 1; n >= 0; n--) {
    const meta = nodes[n] as Meta;
    if (meta.kind === LEAF || meta.kind === NONE) {
      values.push(new Marker(n));
      counts.push(1);
      sizes[n] = 1;
      continue;
    }
    // Walking backwards, the first child is on top: take the run in visiting order.
    const base = values.length - meta.arity;
    const children = values.splice(base).reverse();
    let size = 1;
    for (const c of counts.splice(base)) size += c;
    let value: unknown;
    try {
      value = build(meta, children, 0);
    } catch (e) {
      throw withPath(standIns(e), () => nodePath(nodes, n));
    }
    internal.set(value, n);
    values.push(value);
    counts.push(size);
    sizes[n] = size;
  }
  return { root: values[0], internal, nodes, sizes };
}

/** A node type's failing unflatten, said to have been given stand-ins (why its input looked odd). */
function standIns(e: unknown): unknown {
  if (!(e instanceof NodeTypeError)) return e;
  return new NodeTypeError(
    `${e.message} (treeAt rebuilds every node with stand-ins for its children to find the selection; a node type's unflatten must accept any child values)`,
    { cause: e.cause },
  );
}

/**
 * Runs the selector on the shadow, finds the selected places and rebuilds `tree` with
 * `replace(oldNode, selectionIndex, count)` at each (`count` is undefined for a single node).
 */
function update<T>(
  what: string,
  where: Selector<T>,
  tree: T,
  options: TreeOptions | undefined,
  replace: (old: unknown, i: number, count: number | undefined, path: () => KeyPath) => unknown,
): T {
  if (typeof where !== "function") throw new TypeError(`${what}: \`where\` must be a function`);
  const shadow = makeShadow(tree, options);
  const selected = where(shadow.root as T);
  const indexOf = (value: unknown): number | undefined =>
    value instanceof Marker ? value.index : shadow.internal.get(value);

  // One node of the tree, or an array of nodes.
  const single = indexOf(selected);
  let targets: number[];
  if (single !== undefined) targets = [single];
  else if (Array.isArray(selected)) {
    targets = selected.map((s, i) => {
      const index = indexOf(s);
      if (index === undefined) {
        throw new Error(
          `${what}: \`where\` returned an array whose element ${i} is ${describeSelected(s)}, which is not a node ` +
            `of the tree; \`where\` must only navigate the tree (e.g. t => [t.a, t.b[0]])`,
        );
      }
      return index;
    });
  } else {
    throw new Error(
      `${what}: \`where\` selected ${describeSelected(selected)}, which is not a node of the tree; ` +
        `\`where\` must only navigate the tree's structure (e.g. t => t.layers[0].weight), ` +
        `not read leaf values or static fields of records`,
    );
  }
  const count = single !== undefined ? undefined : targets.length;
  const slot = new Map<number, number>();
  targets.forEach((t, i) => {
    const before = slot.get(t);
    if (before !== undefined) {
      throw new Error(
        `${what}: \`where\` selected the node at ${describePath(nodePath(shadow.nodes, t))} twice ` +
          `(elements ${before} and ${i})`,
      );
    }
    slot.set(t, i);
  });
  if (targets.length === 0) return tree;
  // A selection inside another one: the other's subtree holds its pre-order index.
  const sorted = [...targets].sort((a, b) => a - b);
  for (let k = 1; k < sorted.length; k++) {
    const outer = sorted[k - 1] as number;
    const inner = sorted[k] as number;
    if (inner < outer + (shadow.sizes[outer] as number)) {
      throw new Error(
        `${what}: \`where\` selected both the node at ${describePath(nodePath(shadow.nodes, outer))} and the ` +
          `node at ${describePath(nodePath(shadow.nodes, inner))} inside it`,
      );
    }
  }
  const instead = (node: unknown, _meta: Meta, index: number): unknown => {
    const i = slot.get(index);
    return i === undefined ? VISIT : replace(node, i, count, () => nodePath(shadow.nodes, index));
  };
  return rebuildPass(tree, resolveOptions(options), {
    leaf: (x: unknown) => x,
    replace: instead,
    sizes: shadow.sizes,
    share: true,
  }) as T;
}
