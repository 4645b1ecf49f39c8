/**
 * `TreeDef`: the structure of a tree without its leaves, as an immutable value you can compare,
 * print and rebuild a tree from (optree's treespec, JAX's PyTreeDef).
 *
 * Internally it is the list of nodes in visiting order (pre-order, sorted object keys), so that
 * comparing, printing and unflattening are loops, never recursion.
 *
 * @module
 */
import { describePath, type Key, type KeyPath } from "./keyPath";
import { build, describeMeta, metaEqual } from "./build";
import { withPath } from "./frames";
import { ARRAY, LEAF, NONE, RECORD, childKey, type Meta } from "./node";
import { renderStatics, renderTreeDef, tagOf } from "./renderTreeDef";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The structure of a tree: every node but the leaves' values.
 *
 * @example
 * const [leaves, def] = treeFlatten({ b: [1, 2], a: null });
 * def.numLeaves;   // 2
 * def.numNodes;    // 5: the object, null, the array and its two leaves
 * def.toString();  // "TreeDef({ a: null, b: [*, *] })"
 * def.unflatten([3, 4]); // { b: [3, 4], a: null }
 */
export class TreeDef {
  /** How many leaves a tree of this structure has. */
  readonly numLeaves: number;
  /** How many nodes, counted as JAX and optree do: internal nodes, leaves and empty `null` nodes. */
  readonly numNodes: number;
  /** @internal The nodes in pre-order. */
  readonly nodes: readonly Meta[];

  /** @internal Use `treeFlatten` or `treeStructure` to get a TreeDef. */
  constructor(nodes: readonly Meta[], numLeaves: number) {
    this.nodes = nodes;
    this.numLeaves = numLeaves;
    this.numNodes = nodes.length;
    Object.freeze(this);
  }

  /**
   * Same structure: same node kinds, sorted object keys, array lengths, record tags and static
   * fields. Key insertion order does not matter.
   *
   * @example
   * treeStructure({ a: 1, b: 2 }).equals(treeStructure({ b: 0, a: 0 })); // true
   */
  equals(other: TreeDef): boolean {
    if (this === other) return true;
    if (this.numNodes !== other.numNodes || this.numLeaves !== other.numLeaves) return false;
    // Trees built alike share their (cached) metas, so this is mostly pointer comparisons.
    const a = this.nodes;
    const b = other.nodes;
    for (let n = 0; n < a.length; n++) {
      const ma = a[n] as Meta;
      const mb = b[n] as Meta;
      if (ma !== mb && !metaEqual(ma, mb)) return false;
    }
    return true;
  }

  /**
   * Builds a tree of this structure from `leaves`, in leaf order. Throws, naming the first
   * path that has no leaf or the count, when the number of leaves is wrong.
   *
   * @example
   * treeStructure([0, { x: 0 }]).unflatten(["a", "b"]); // ["a", { x: "b" }]
   */
  unflatten<L>(leaves: readonly L[]): unknown {
    if (!Array.isArray(leaves)) {
      throw new TypeError(`treeUnflatten: leaves must be an array, got ${typeof leaves}`);
    }
    if (leaves.length !== this.numLeaves) {
      // One path and a cut rendering: building the message stays linear on deep trees.
      const where =
        leaves.length < this.numLeaves
          ? `; the first leaf without a value is at ${describePath(leafPath(this.nodes, leaves.length))}`
          : "";
      throw new Error(
        `treeUnflatten: the structure ${this.toString(80)} has ${this.numLeaves} leaves, got ${leaves.length}${where}`,
      );
    }
    return unflattenNodes(this.nodes, leaves);
  }

  /**
   * The key path of every leaf, in leaf order.
   *
   * @example
   * treeStructure({ w: [0, 0] }).paths(); // [["w", 0], ["w", 1]]
   */
  paths(): KeyPath[] {
    return leafPaths(this);
  }

  /**
   * The key path of the leaf at `index` (in leaf order; `[]` past the last), found without
   * making the others' (what an error message about one leaf needs, on a tree of any depth).
   *
   * @example
   * treeStructure({ w: [0, 0], b: 1 }).leafPath(2); // ["w", 1]
   */
  leafPath(index: number): KeyPath {
    return leafPath(this.nodes, index);
  }

  /**
   * A readable rendering, like JAX's `PyTreeDef({'a': *, ...})`: one `*` per leaf, keys shown,
   * records by tag with their static fields. `maxLength` cuts long renderings with `...`.
   *
   * @example
   * treeStructure({ w: [1, 2], b: null }).toString(); // "TreeDef({ b: null, w: [*, *] })"
   */
  toString(maxLength?: number): string {
    return renderTreeDef(this.nodes, maxLength);
  }
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

/** Rebuilds a tree from pre-order nodes by walking them backwards with a value stack. */
export function unflattenNodes(nodes: readonly Meta[], leaves: readonly unknown[]): unknown {
  const stack: unknown[] = [];
  let sp = 0;
  let li = leaves.length;
  let n = nodes.length - 1;
  try {
    for (; n >= 0; n--) {
      const meta = nodes[n] as Meta;
      switch (meta.kind) {
        case LEAF:
          stack[sp++] = leaves[--li];
          break;
        case NONE:
          stack[sp++] = meta.value;
          break;
        default: {
          // Walking backwards, the first child is on top: reverse the run into visiting order.
          const k = meta.arity;
          const base = sp - k;
          for (let a = base, b = sp - 1; a < b; a++, b--) {
            const t = stack[a];
            stack[a] = stack[b];
            stack[b] = t;
          }
          const value = build(meta, stack, base);
          for (let j = base; j < sp; j++) stack[j] = undefined;
          sp = base;
          stack[sp++] = value;
        }
      }
    }
  } catch (e) {
    // A node type's unflatten failed: name the node (found only now, so no pass pays for it).
    throw withPath(e, () => nodePath(nodes, n));
  }
  return stack[0];
}

/** The key path of the node at pre-order `index`. */
export function nodePath(nodes: readonly Meta[], index: number): Key[] {
  let path: Key[] = [];
  walkNodes(nodes, (n, current) => {
    if (n !== index) return false;
    path = current.slice();
    return true;
  });
  return path;
}

/**
 * Walks pre-order nodes keeping the key path of the current node (and its parent's meta);
 * `visit` returns `true` to stop.
 */
export function walkNodes(
  nodes: readonly Meta[],
  visit: (index: number, path: Key[], parent: Meta | undefined) => boolean | void,
): void {
  const path: Key[] = [];
  const metas: Meta[] = [];
  const next: number[] = [];
  for (let n = 0; n < nodes.length; n++) {
    // Pop finished frames; the current node is the next child of the top frame.
    while (
      metas.length > 0 &&
      (next[next.length - 1] as number) === (metas[metas.length - 1] as Meta).arity
    ) {
      metas.pop();
      next.pop();
    }
    const depth = metas.length;
    path.length = depth;
    if (depth > 0) {
      const i = next[depth - 1] as number;
      path[depth - 1] = childKey(metas[depth - 1] as Meta, i);
      next[depth - 1] = i + 1;
    }
    if (visit(n, path, metas[depth - 1]) === true) return;
    const meta = nodes[n] as Meta;
    if (meta.kind >= ARRAY && meta.arity > 0) {
      metas.push(meta);
      next.push(0);
    }
  }
}

/** The key path of the leaf at `index` in leaf order (`[]` past the last), without the others'. */
function leafPath(nodes: readonly Meta[], index: number): KeyPath {
  let path: KeyPath = [];
  let seen = 0;
  walkNodes(nodes, (n, current) => {
    if ((nodes[n] as Meta).kind !== LEAF || seen++ < index) return false;
    path = current.slice();
    return true;
  });
  return path;
}

export function leafPaths(def: TreeDef): KeyPath[] {
  const out: KeyPath[] = [];
  const nodes = def.nodes;
  walkNodes(nodes, (n, path) => {
    if ((nodes[n] as Meta).kind === LEAF) out.push(path.slice());
  });
  return out;
}

/** Where two structures first differ, and what each holds there. */
export interface StructureDifference {
  readonly path: KeyPath;
  readonly left: string;
  readonly right: string;
}

export function firstDifference(a: TreeDef, b: TreeDef): StructureDifference | undefined {
  let found: StructureDifference | undefined;
  const an = a.nodes;
  const bn = b.nodes;
  walkNodes(an, (n, path) => {
    const ma = an[n] as Meta;
    const mb = bn[n];
    if (mb === undefined) {
      found = { path: path.slice(), left: describeMeta(ma), right: "nothing" };
      return true;
    }
    if (!metaEqual(ma, mb)) {
      found = { path: path.slice(), left: describeMeta(ma), right: describeMeta(mb) };
      if (ma.kind === RECORD && mb.kind === RECORD && tagOf(ma) === tagOf(mb)) {
        found = {
          path: found.path,
          left: `${found.left} with ${renderStatics(ma)}`,
          right: `${found.right} with ${renderStatics(mb)}`,
        };
      }
      return true;
    }
    return false;
  });
  return found;
}
