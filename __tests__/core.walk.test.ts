/**
 * The flatten's recursion (`src/core/walk.ts`) hands subtrees deeper than its limit (400 levels)
 * to the loop, which carries on into the same lists. These trees cross that boundary: the result
 * must be what a walk written here (independently, in the test) gives, every node must be seen
 * once, and refusals below the boundary must name the full key path.
 */
import { treeFlattenWithPath, treeLeaves, treeUnflatten, type KeyPath } from "../src/core";

/** `depth` levels alternating `{ next, tag: [depth, null] }` and `[next]`, ending in the leaf "end". */
function chain(depth: number): unknown {
  let t: unknown = "end";
  for (let d = depth - 1; d >= 0; d--) t = d % 2 === 0 ? { tag: [d, null], next: t } : [t];
  return t;
}

/** Leaves and paths of `chain(depth)` in flatten order (keys sorted: `next` before `tag`). */
function expected(depth: number): [KeyPath, unknown][] {
  const out: [KeyPath, unknown][] = [];
  const prefix: (string | number)[] = [];
  for (let d = 0; d < depth; d++) prefix.push(d % 2 === 0 ? "next" : 0);
  out.push([prefix.slice(), "end"]);
  // The `tag` leaves come after the whole `next` subtree, deepest first.
  for (let d = depth - 1; d >= 0; d--) {
    if (d % 2 === 0) {
      const p: (string | number)[] = [];
      for (let e = 0; e < d; e++) p.push(e % 2 === 0 ? "next" : 0);
      out.push([[...p, "tag", 0], d]);
    }
  }
  return out;
}

/** Nodes in `chain(depth)`: each object has itself, a tag array, a number and a null. */
function nodeCount(depth: number): number {
  let n = 1; // "end"
  for (let d = 0; d < depth; d++) n += d % 2 === 0 ? 4 : 1;
  return n;
}

describe.each([1, 399, 400, 401, 402, 799, 800, 801, 1500])("a chain %i levels deep", (depth) => {
  test("paths and leaves are those of an independent walk; unflatten rebuilds it", () => {
    const tree = chain(depth);
    const [pairs, def] = treeFlattenWithPath(tree);
    expect(pairs).toEqual(expected(depth));
    expect(treeLeaves(tree)).toEqual(expected(depth).map(([, leaf]) => leaf));
    expect(def.numNodes).toBe(nodeCount(depth));
    expect(
      treeUnflatten(
        def,
        pairs.map(([, leaf]) => leaf),
      ),
    ).toEqual(tree);
  });

  test("isLeaf is asked once per node", () => {
    let calls = 0;
    treeLeaves(chain(depth), {
      isLeaf: () => {
        calls++;
        return false;
      },
    });
    expect(calls).toBe(nodeCount(depth));
  });
});

test("a hole below the recursion's limit is refused with its full key path", () => {
  let tree: unknown = [1, , 2]; // eslint-disable-line no-sparse-arrays
  for (let d = 0; d < 600; d++) tree = { x: tree };
  // The message shows the ends of the path (the full path would be 1,200 characters).
  const path = `${".x".repeat(20)}…(560 keys)…${".x".repeat(20)}`;
  expect(() => treeLeaves(tree)).toThrow(`the node at ${path} has a hole at index 1`);
});

test("a cycle below the recursion's limit is refused", () => {
  const root: { n: unknown } = { n: null };
  let cur = root;
  for (let d = 0; d < 700; d++) {
    const next = { n: null };
    cur.n = next;
    cur = next;
  }
  cur.n = root;
  expect(() => treeLeaves(root)).toThrow(/^cyclic tree: the node at \S+ contains itself/);
});
