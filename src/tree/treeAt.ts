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
import { describePath, type KeyPath } from "./keyPath";
import { LEAF, NONE, build, childAt, type NodeMeta } from "./nodes";
import { resolveOptions, type TreeOptions } from "./options";
import { walk, type InternalMeta } from "./walk";

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
  f: (node: any) => unknown,
  options?: TreeOptions,
): T {
  return update("treeModifyAt", where, tree, options, (old) => f(old));
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
}

function makeShadow(tree: unknown, options: TreeOptions | undefined): Shadow {
  const internal = new Map<unknown, number>();
  const values: unknown[] = [];
  const indices: number[] = [];
  let sp = 0;
  let n = 0;
  walk(
    tree,
    resolveOptions(options),
    (_node, meta) => {
      const index = n++;
      if (meta.kind === LEAF || meta.kind === NONE) values[sp++] = new Marker(index);
      else indices.push(index);
    },
    (meta) => {
      const base = sp - meta.arity;
      const value = build(meta, values, base);
      for (let j = base; j < sp; j++) values[j] = undefined;
      sp = base;
      values[sp++] = value;
      internal.set(value, indices.pop() as number);
    },
  );
  return { root: values[0], internal };
}

/** The key path of the node at pre-order index `target` (for error messages only). */
function pathOf(tree: unknown, options: TreeOptions | undefined, target: number): KeyPath {
  const stop = new Error("treeAt: path found"); // thrown to stop the walk early
  let path: KeyPath = [];
  let n = 0;
  try {
    walk(tree, resolveOptions(options), (_node, _meta, frames) => {
      if (n++ === target) {
        path = frames.path();
        throw stop;
      }
    });
  } catch (e) {
    if (e !== stop) throw e;
  }
  return path;
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
  replace: (old: unknown, i: number, count: number | undefined) => unknown,
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
        `${what}: \`where\` selected the node at ${describePath(pathOf(tree, options, t))} twice ` +
          `(elements ${before} and ${i})`,
      );
    }
    slot.set(t, i);
  });
  if (targets.length === 0) return tree;
  return rebuildAt(tree, options, slot, what, (old, i) => replace(old, i, count)) as T;
}

/**
 * Rebuilds `tree` with the nodes at the pre-order indices in `slot` replaced. A container whose
 * children all come back unchanged is reused as is, so only the paths to the targets are copied.
 */
function rebuildAt(
  tree: unknown,
  options: TreeOptions | undefined,
  slot: ReadonlyMap<number, number>,
  what: string,
  replace: (old: unknown, i: number) => unknown,
): unknown {
  const values: unknown[] = [];
  let sp = 0;
  let n = 0;
  // The pre-order index of each open internal node.
  const open: number[] = [];
  let insideTarget = -1; // pre-order index of the selected ancestor being replaced, or -1
  walk(
    tree,
    resolveOptions(options),
    (node, meta: NodeMeta) => {
      const index = n++;
      const i = slot.get(index);
      if (i !== undefined && insideTarget >= 0) {
        throw new Error(
          `${what}: \`where\` selected both the node at ${describePath(pathOf(tree, options, insideTarget))} and the ` +
            `node at ${describePath(pathOf(tree, options, index))} inside it`,
        );
      }
      if (meta.kind === LEAF || meta.kind === NONE) {
        values[sp++] = i === undefined ? node : replace(node, i);
      } else {
        open.push(index);
        if (i !== undefined) insideTarget = index;
      }
    },
    (meta: InternalMeta, node) => {
      const index = open.pop() as number;
      const base = sp - meta.arity;
      let value: unknown;
      const i = slot.get(index);
      if (i !== undefined) {
        insideTarget = -1;
        value = replace(node, i);
      } else {
        let same = true;
        for (let j = 0; j < meta.arity; j++) {
          if (!Object.is(values[base + j], childAt(node, meta, j))) {
            same = false;
            break;
          }
        }
        value = same ? node : build(meta, values, base);
      }
      for (let j = base; j < sp; j++) values[j] = undefined;
      sp = base;
      values[sp++] = value;
    },
  );
  return values[0];
}
