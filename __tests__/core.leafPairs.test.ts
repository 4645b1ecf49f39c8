/**
 * `leafPairs` (src/core/flattenPass.ts) makes `treeFlattenWithPath`'s `[path, leaf]` pairs after
 * the flatten, from the metas it records. Its paths are checked here against paths computed
 * independently: by hand, by a recursive walk written in this file, and, for a tree 100,000
 * levels deep, from the way the tree was built.
 */
import { treeFlattenWithPath, type Key, type KeyPath, type TreeOptions } from "../src/core";
import { flattenPass, leafPairs } from "../src/core/flattenPass";
import { resolveOptions } from "../src/core/options";
import { emptyRegistry, mapNodeType, registerNodeType, registerRecord } from "../src/core/registry";

const registry = registerNodeType(
  registerRecord(emptyRegistry, { tag: "Box", children: ["inner", "extra"] }),
  mapNodeType,
);
/** The child fields of the records registered above, for the reference walk. */
const recordChildren: Record<string, readonly string[]> = { Box: ["inner", "extra"] };

function pairsOf(tree: unknown, options: TreeOptions = { registry }): [Key[], unknown][] {
  const { leaves, metas } = flattenPass(tree, resolveOptions(options), true);
  return leafPairs(metas as NonNullable<typeof metas>, leaves);
}

/** Map keys as `mapNodeType` orders them: numbers first, ascending, then strings. */
function mapOrder(a: Key, b: Key): number {
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The pairs by a plain recursive walk (small trees only). */
function reference(
  node: unknown,
  options: { readonly noneIsLeaf?: boolean; readonly isLeaf?: (x: unknown) => boolean } = {},
  path: Key[] = [],
  out: [Key[], unknown][] = [],
): [Key[], unknown][] {
  if (options.isLeaf?.(node) === true) out.push([path, node]);
  else if (node === null || node === undefined) {
    if (options.noneIsLeaf === true) out.push([path, node]);
  } else if (Array.isArray(node)) {
    node.forEach((child, i) => reference(child, options, [...path, i], out));
  } else if (node instanceof Map) {
    const map = node as Map<Key, unknown>;
    for (const k of [...map.keys()].sort(mapOrder)) reference(map.get(k), options, [...path, k], out);
  } else if (
    typeof node === "object" &&
    (Object.getPrototypeOf(node) === Object.prototype || Object.getPrototypeOf(node) === null)
  ) {
    const obj = node as Record<string, unknown>;
    const fields = typeof obj._tag === "string" ? recordChildren[obj._tag] : undefined;
    for (const k of fields ?? Object.keys(obj).sort()) reference(obj[k], options, [...path, k], out);
  } else out.push([path, node]);
  return out;
}

describe("leafPairs on mixed node kinds", () => {
  const point = new Date(0); // a class instance the registry does not know: a leaf
  const tree = {
    z: [1, null, [], [2, undefined, { b: 3, a: 4 }]],
    m: new Map<Key, unknown>([
      ["y", 5],
      [2, [6, null]],
      ["x", {}],
      [1, 7],
    ]),
    box: { _tag: "Box", note: "static", extra: null, inner: [8, { _tag: "Box", inner: 9, extra: 10 }] },
    "odd key": Object.assign(Object.create(null) as object, { q: 11, p: 12 }),
    10: 13,
    2: point,
    e: {},
  };

  test("paths written by hand", () => {
    const expected: [KeyPath, unknown][] = [
      [["10"], 13],
      [["2"], point],
      [["box", "inner", 0], 8],
      [["box", "inner", 1, "inner"], 9],
      [["box", "inner", 1, "extra"], 10],
      [["m", 1], 7],
      [["m", 2, 0], 6],
      [["m", "y"], 5],
      [["odd key", "p"], 12],
      [["odd key", "q"], 11],
      [["z", 0], 1],
      [["z", 3, 0], 2],
      [["z", 3, 2, "a"], 4],
      [["z", 3, 2, "b"], 3],
    ];
    expect(pairsOf(tree)).toEqual(expected);
    expect(treeFlattenWithPath(tree, { registry })[0]).toEqual(expected);
  });

  test("the reference walk, with none as leaves and with isLeaf", () => {
    expect(pairsOf(tree)).toEqual(reference(tree));
    expect(pairsOf(tree, { registry, noneIsLeaf: true })).toEqual(reference(tree, { noneIsLeaf: true }));
    const isLeaf = (x: unknown): boolean => Array.isArray(x) && x.length === 2;
    const withIsLeaf = pairsOf(tree, { registry, isLeaf });
    expect(withIsLeaf).toEqual(reference(tree, { isLeaf }));
    expect(withIsLeaf).toContainEqual([
      ["m", 2],
      [6, null],
    ]);
  });

  test("the root: a leaf has the empty path, a none or an empty node has no pairs", () => {
    expect(pairsOf(5)).toEqual([[[], 5]]);
    expect(pairsOf(null)).toEqual([]);
    expect(pairsOf(null, { noneIsLeaf: true })).toEqual([[[], null]]);
    expect(pairsOf([])).toEqual([]);
    expect(pairsOf(new Map())).toEqual([]);
    expect(pairsOf({ _tag: "Box", inner: null, extra: [] })).toEqual([]);
  });

  test("every path is an array of its own", () => {
    const pairs = pairsOf({ a: [1, 2], b: { c: 3 } });
    const paths = pairs.map(([p]) => p);
    expect(new Set(paths).size).toBe(paths.length);
    (paths[0] as Key[]).push("changed");
    expect(pairsOf({ a: [1, 2], b: { c: 3 } })).toEqual([
      [["a", 0], 1],
      [["a", 1], 2],
      [["b", "c"], 3],
    ]);
    expect(paths.slice(1)).toEqual([
      ["a", 1],
      ["b", "c"],
    ]);
  });

  test("generated trees agree with the reference walk", () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const names = ["b", "a", "_x", "10", "2", "key with space", "Z"];
    const make = (depth: number): unknown => {
      const pick = depth >= 9 ? random(3) : random(9);
      if (pick === 0) return random(100);
      if (pick === 1) return `leaf${random(100)}`;
      if (pick === 2) return random(2) === 0 ? null : undefined;
      const width = random(4);
      const children = Array.from({ length: width }, () => make(depth + 1));
      if (pick <= 4) return children;
      if (pick === 5) return { _tag: "Box", inner: children[0], extra: children[1], note: width };
      if (pick === 6) {
        const keys: Key[] = [3, "b", 1, "a"];
        return new Map(children.map((c, i) => [keys[i] as Key, c]));
      }
      const obj: Record<string, unknown> = pick === 7 ? {} : (Object.create(null) as Record<string, unknown>);
      children.forEach((c, i) => (obj[names[(i + random(7)) % names.length] as string] = c));
      return obj;
    };
    for (let t = 0; t < 300; t++) {
      const tree = make(0);
      expect(pairsOf(tree)).toEqual(reference(tree));
      expect(pairsOf(tree, { registry, noneIsLeaf: true })).toEqual(reference(tree, { noneIsLeaf: true }));
    }
  });
});

describe("leafPairs on a tree 100,000 levels deep", () => {
  const depth = 100_000;
  /** The key that leads from level `d` to level `d + 1`, by the node kind used at `d`. */
  const keyAt = (d: number): Key => (["next", 1, "k", "inner"] as const)[d % 4] as Key;
  /** Levels with an extra leaf beside the way down (objects only: `d % 4 === 0`). */
  const marked = (d: number): boolean => d % 25_000 === 0;

  function deepTree(): unknown {
    let t: unknown = "bottom";
    for (let d = depth - 1; d >= 0; d--) {
      switch (d % 4) {
        case 0:
          t = marked(d) ? { next: t, at: d } : { next: t };
          break;
        case 1:
          t = [null, t];
          break;
        case 2:
          t = new Map([["k", t]]);
          break;
        default:
          t = { _tag: "Box", inner: t, extra: null, note: d };
      }
    }
    return t;
  }

  test("paths, in leaf order, from the way the tree was built", () => {
    const prefix: Key[] = [];
    const expected: [KeyPath, unknown][] = [];
    for (let d = 0; d < depth; d++) {
      // `at` sorts before `next`: the marked leaf comes before everything below its level.
      if (d % 4 === 0 && marked(d)) expected.push([[...prefix, "at"], d]);
      prefix.push(keyAt(d));
    }
    expected.push([prefix, "bottom"]);
    const tree = deepTree();
    const pairs = pairsOf(tree);
    expect(pairs.length).toBe(expected.length);
    pairs.forEach(([path, leaf], i) => {
      const [want, wantLeaf] = expected[i] as [KeyPath, unknown];
      expect(leaf).toBe(wantLeaf);
      expect(path.length).toBe(want.length);
      expect(path.every((key, j) => key === want[j])).toBe(true);
    });
    const [withPath] = treeFlattenWithPath(tree, { registry });
    expect(withPath.map(([p]) => p.length)).toEqual(expected.map(([p]) => p.length));
    expect(withPath.map(([, leaf]) => leaf)).toEqual(expected.map(([, leaf]) => leaf));
  });
});
