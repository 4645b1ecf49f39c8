/**
 * ChunkedList, and the passes that collect into it across chunk boundaries (8,192 values a chunk),
 * on the recursive path and after the redo on the explicit stack.
 */
import { treeFlatten, treeFlattenWithPath, treeLeaves, treeMap, treeUnflatten } from "../src";
import { ChunkedList } from "../src/core/chunkedList";

/** A chain `{ next: ... }` `depth` deep (past the 2,000-level recursion budget when big). */
function chain(depth: number, leaf: unknown): unknown {
  let t: unknown = leaf;
  for (let i = 0; i < depth; i++) t = { next: t };
  return t;
}

describe("ChunkedList", () => {
  test("push, get, length and toArray across chunk boundaries", () => {
    for (const n of [0, 1, 8191, 8192, 8193, 20_000]) {
      const list = new ChunkedList<number>();
      for (let i = 0; i < n; i++) list.push(i * 3);
      expect(list.length).toBe(n);
      for (const i of [0, 1, 8191, 8192, 8193, n - 1].filter((i) => i >= 0 && i < n)) {
        expect(list.get(i)).toBe(i * 3);
      }
      const all = list.toArray();
      expect(all).toHaveLength(n);
      expect(all.every((x, i) => x === i * 3)).toBe(true);
    }
  });
});

describe("passes collecting more than one chunk", () => {
  const n = 20_000;
  const wide = Array.from({ length: n }, (_, i) => ({ v: i }));
  const expected = Array.from({ length: n }, (_, i) => i);

  test("flatten, leaves, paths and unflatten of 20,000 leaves", () => {
    const [leaves, def] = treeFlatten(wide);
    expect(leaves).toEqual(expected);
    expect(def.numNodes).toBe(2 * n + 1);
    expect(treeLeaves(wide)).toEqual(expected);
    const [pairs] = treeFlattenWithPath(wide);
    expect(pairs[n - 1]).toEqual([[n - 1, "v"], n - 1]);
    expect(pairs.map((p) => p[1])).toEqual(expected);
    expect(treeUnflatten(def, leaves)).toEqual(wide);
  });

  test("the redo past the recursion budget starts over with fresh lists", () => {
    // 20,000 leaves first, then a chain deeper than the budget: the recursive pass gives up after
    // collecting more than two chunks, and the iterative one must not keep any of it.
    const tree = { a: wide, b: chain(2_500, "end") };
    const [leaves, def] = treeFlatten(tree);
    expect(leaves).toEqual([...expected, "end"]);
    expect(def.numLeaves).toBe(n + 1);
    expect(treeLeaves(tree)).toHaveLength(n + 1);
  });

  test("map past the budget calls f once per leaf, reusing the results logged in several chunks", () => {
    const tree = { a: wide, b: chain(2_500, -1) };
    const seen: number[] = [];
    const out = treeMap((x: number) => {
      seen.push(x);
      return x * 2;
    }, tree);
    expect(seen).toEqual([...expected, -1]);
    expect(treeLeaves(out)).toEqual([...expected.map((x) => x * 2), -2]);
  });
});
