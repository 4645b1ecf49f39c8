/**
 * Property tests (fast-check) of the laws of the tree layer, on random trees of arrays, objects
 * (odd keys, `__proto__`, null prototypes), null/undefined, registered records and leaves.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import {
  combine,
  partition,
  registerWrapper,
  treeAt,
  treeEqual,
  treeFlatten,
  treeFlattenWithPath,
  treeFormat,
  treeLeaves,
  treeMap,
  treeMapN,
  treeStructure,
  treeUnflatten,
  type KeyPath,
  type TreeOptions,
} from "../src";
import { emptyRegistry } from "../src/advanced";
import { readAlong } from "../src/core/flattenPass";
import { resolveOptions } from "../src/core/options";
import { arbitraryTree } from "./support/arbitraries";

const registry = registerWrapper(emptyRegistry, { tag: "Pair", children: ["x"], unwrap: (n: any) => n.x });
const opts: TreeOptions = { registry };

const key = fc.oneof(
  fc.constantFrom("a", "b", "c", "__proto__", "constructor", "toString", "odd key", "0", ""),
  fc.string({ maxLength: 3 }),
);
const leaf = fc.oneof(
  fc.integer(),
  fc.double(), // NaN, -0, infinities included
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(Math.exp),
);
const tree = arbitraryTree({ key, leaf, maxArrayLength: 4, objectWeight: 1 });

/** The node at `path`, iteratively (records' children are plain fields, so indexing works). */
function get(root: unknown, path: KeyPath): unknown {
  let node: any = root;
  for (const k of path) node = node[k];
  return node;
}

/** Every object's own key order, in a fixed walk order (for checking that order is kept). */
function keyOrders(root: unknown): string[][] {
  const out: string[][] = [];
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const node = todo.pop();
    if (node === null || typeof node !== "object") continue;
    if (!Array.isArray(node)) out.push(Object.keys(node));
    for (const k of Object.keys(node)) todo.push((node as any)[k]);
  }
  return out;
}

/** A copy with the keys of every object inserted in reverse order (test trees are small). */
function reverseKeys(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(reverseKeys);
  const out: Record<string, unknown> = Object.getPrototypeOf(node) === null ? Object.create(null) : {};
  for (const k of Object.keys(node).reverse()) {
    Object.defineProperty(out, k, {
      value: reverseKeys((node as any)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return Object.isFrozen(node) ? Object.freeze(out) : out;
}

const run = (p: fc.IProperty<any>): void => fc.assert(p, { numRuns: 300 });

describe("laws of the tree layer", () => {
  test("treeUnflatten(treedef, leaves) equals the input (prototypes, key order, frozenness)", () => {
    run(
      fc.property(tree, (t) => {
        const [leaves, def] = treeFlatten(t, opts);
        const back = treeUnflatten(def, leaves);
        expect(isDeepStrictEqual(back, t)).toBe(true);
        expect(keyOrders(back)).toEqual(keyOrders(t));
        expect(def.numLeaves).toBe(leaves.length);
      }),
    );
  });

  test("treeMap(x => x, t) equals t, and treeMapN of one tree agrees", () => {
    run(
      fc.property(tree, (t) => {
        expect(
          isDeepStrictEqual(
            treeMap((x) => x, t, opts),
            t,
          ),
        ).toBe(true);
        expect(
          isDeepStrictEqual(
            treeMapN((x) => x, [t], opts),
            t,
          ),
        ).toBe(true);
      }),
    );
  });

  test("leaf order and treedef do not depend on key insertion order", () => {
    run(
      fc.property(tree, (t) => {
        const r = reverseKeys(t);
        const [la, da] = treeFlatten(t, opts);
        const [lb, db] = treeFlatten(r, opts);
        expect(isDeepStrictEqual(la, lb)).toBe(true);
        expect(da.equals(db)).toBe(true);
        expect(da.toString()).toBe(db.toString());
      }),
    );
  });

  test("the path of leaf i reaches leaf i; flattenWithPath agrees with flatten and paths()", () => {
    run(
      fc.property(tree, (t) => {
        const [pairs, def] = treeFlattenWithPath(t, opts);
        const leaves = treeLeaves(t, opts);
        expect(pairs).toHaveLength(leaves.length);
        pairs.forEach(([path, x], i) => {
          expect(Object.is(x, leaves[i])).toBe(true);
          expect(Object.is(get(t, path), leaves[i])).toBe(true);
        });
        expect(def.paths()).toEqual(pairs.map(([p]) => p));
      }),
    );
  });

  test("TreeDef.equals is reflexive and symmetric, and agrees with unflatten", () => {
    run(
      fc.property(tree, tree, (a, b) => {
        const da = treeStructure(a, opts);
        const db = treeStructure(b, opts);
        expect(da.equals(da)).toBe(true);
        expect(da.equals(db)).toBe(db.equals(da));
        // A tree rebuilt from `da` has structure `da`.
        expect(treeStructure(da.unflatten(treeLeaves(a, opts)), opts).equals(da)).toBe(true);
      }),
    );
  });

  test("numNodes counts leaves, empty nodes and containers", () => {
    run(
      fc.property(tree, (t) => {
        let count = 0;
        const todo: unknown[] = [t];
        while (todo.length > 0) {
          const node: any = todo.pop();
          count++;
          if (node === null || typeof node !== "object") continue;
          if (Array.isArray(node)) todo.push(...node);
          else if (node._tag === "Pair") todo.push(node.x);
          else todo.push(...Object.keys(node).map((k) => node[k]));
        }
        expect(treeStructure(t, opts).numNodes).toBe(count);
      }),
    );
  });

  test("combine(...partition(t, p)) equals t", () => {
    const isNumber = (x: unknown): boolean => typeof x === "number";
    run(
      fc.property(tree, (t) => {
        const [kept, rest] = partition(t, isNumber, opts);
        expect(isDeepStrictEqual(combine(kept, rest), t)).toBe(true);
        expect(treeLeaves(kept, opts).every(isNumber)).toBe(true);
        expect(treeLeaves(rest, opts).some(isNumber)).toBe(false);
      }),
    );
  });

  test("treeAt replaces exactly the selected leaf and leaves the input alone", () => {
    run(
      fc.property(
        tree.filter((t) => treeLeaves(t, opts).length > 0),
        fc.nat(),
        (t, n) => {
          const [pairs] = treeFlattenWithPath(t, opts);
          const i = n % pairs.length;
          const path = (pairs[i] as [KeyPath, unknown])[0];
          const copy = treeMap((x) => x, t, opts);
          const marker = Symbol("new");
          const out = treeAt((u) => get(u, path), t, marker, opts);
          const after = treeLeaves(out, opts);
          const before = treeLeaves(t, opts);
          expect(after).toHaveLength(before.length);
          after.forEach((x, j) => expect(Object.is(x, j === i ? marker : before[j])).toBe(true));
          expect(isDeepStrictEqual(t, copy)).toBe(true);
        },
      ),
    );
  });

  test("treeMapN accepts a second tree exactly when TreeDef.equals says it has the first's structure", () => {
    const replacements = [[], {}, null, undefined, [0], { a: 0 }, 0];
    run(
      fc.property(tree, tree, fc.nat(), fc.nat(), (a, other, pick, swap) => {
        const [pairs] = treeFlattenWithPath(a, opts);
        // Trees like `a` (other leaves; its keys reordered), and unlike it (each leaf wrapped in an
        // array; one node changed; an unrelated tree).
        const variants: unknown[] = [
          treeMap((x) => Symbol(typeof x), a, opts),
          reverseKeys(a),
          treeMap((x) => [x], a, opts),
          other,
        ];
        if (pairs.length > 0) {
          const path = (pairs[pick % pairs.length] as [KeyPath, unknown])[0];
          const by = replacements[swap % replacements.length];
          variants.push(treeAt((u) => get(u, path), a, by, opts));
        }
        const def = treeStructure(a, opts);
        for (const b of variants) {
          const same = def.equals(treeStructure(b, opts));
          let out: unknown;
          let error: unknown;
          try {
            out = treeMapN((_x: unknown, y: unknown) => y, [a, b], opts);
          } catch (e) {
            error = e;
          }
          expect(error === undefined).toBe(same);
          if (same) {
            const got = treeLeaves(out, opts);
            const want = treeLeaves(b, opts);
            expect(got).toHaveLength(want.length);
            got.forEach((x, j) => expect(Object.is(x, want[j])).toBe(true));
            expect(treeStructure(out, opts).equals(def)).toBe(true);
          } else {
            expect(String(error)).toContain("treeMapN: tree 1 does not have the structure of tree 0");
          }
          // The engine's guided read (what treeMapN and combine use) agrees with flatten + equals.
          const along = readAlong(b, resolveOptions(opts), def.nodes);
          expect(along !== null).toBe(same);
          if (along !== null) {
            const want = treeLeaves(b, opts);
            expect(along).toHaveLength(want.length);
            along.forEach((x, j) => expect(Object.is(x, want[j])).toBe(true));
          }
        }
      }),
    );
  });

  test("treeEqual is reflexive (with equalNan) and agrees with a rebuilt copy", () => {
    run(
      fc.property(tree, (t) => {
        expect(
          treeEqual(
            t,
            treeMap((x) => x, t, opts),
            { ...opts, equalNan: true },
          ),
        ).toBe(true);
      }),
    );
  });

  test("treeFormat never throws, and lines stay within the width when every leaf is short", () => {
    const short = fc.letrec<{ t: unknown }>((tie) => ({
      t: fc.oneof(
        { depthSize: "small" },
        fc.integer({ min: -99, max: 99 }),
        fc.array(tie("t"), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom("a", "b", "c"), tie("t"), { maxKeys: 3 }),
      ),
    })).t;
    run(fc.property(tree, (t) => expect(typeof treeFormat(t, { width: 60 })).toBe("string")));
    // Deepest line: indent 2 per level; the longest unbreakable piece is `"a": -99,` (9 chars).
    run(
      fc.property(short, (t) => {
        for (const line of treeFormat(t, { width: 40 }).split("\n"))
          expect(line.length).toBeLessThanOrEqual(40);
      }),
    );
  });
});
