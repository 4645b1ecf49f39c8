/**
 * Compiled programs (src/tree/program.ts): for a structure that keeps coming back, flatten, map,
 * treeMapN and unflatten run code compiled for that structure. These tests hold the programs to
 * one rule: every result (values, key order, prototypes, structures, errors, calls of `f`) is the
 * one the general walk gives, whatever the tree, before and after the program exists, on trees
 * that match it and on trees that differ from it anywhere.
 */
import { isDeepStrictEqual } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import {
  Parameterize,
  emptyRegistry,
  initBackend,
  registerWrapper,
  treeFlatten,
  treeFlattenWithPath,
  treeLeaves,
  treeMap,
  treeMapN,
  treeUnflatten,
  type TreeOptions,
} from "../src";
import { programSettings, programStats, resetPrograms } from "../src/tree/program";
import { arbitraryTree } from "./support/arbitraries";

beforeAll(async () => {
  await initBackend();
});
beforeEach(() => {
  resetPrograms();
  programSettings.enabled = true;
});
afterAll(() => {
  programSettings.enabled = true;
});

const registry = registerWrapper(emptyRegistry, { tag: "Pair", children: ["x"], unwrap: (n: any) => n.x });

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** A copy with the same structure, key order and prototypes, sharing the leaves. */
function clone(t: unknown): unknown {
  if (Array.isArray(t)) return t.map(clone);
  if (t !== null && typeof t === "object") {
    const proto = Object.getPrototypeOf(t);
    if (proto !== Object.prototype && proto !== null) return t;
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
    for (const k of Object.keys(t)) {
      const v = clone((t as Record<string, unknown>)[k]);
      if (k === "__proto__") {
        Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
      } else out[k] = v;
    }
    return Object.isFrozen(t) ? Object.freeze(out) : out;
  }
  return t;
}

/** Everything observable about a value: arrays, own keys in order, prototypes, leaves as they are. */
function snapshot(x: unknown): unknown {
  if (Array.isArray(x)) return ["array", x.length, Object.isFrozen(x), ...x.map(snapshot)];
  if (x !== null && typeof x === "object") {
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) return x;
    const keys = Object.keys(x);
    return [
      proto === null ? "null-proto" : "object",
      Object.isFrozen(x),
      keys.map((k) => [k, snapshot((x as Record<string, unknown>)[k])]),
    ];
  }
  return x;
}

/** The result of every operation on `tree` (errors as their messages). */
function runAll(
  tree: unknown,
  others: readonly unknown[],
  options: TreeOptions | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const capture = (name: string, fn: () => unknown): void => {
    try {
      out[name] = snapshot(fn());
    } catch (e) {
      out[name] = `throws ${(e as Error).message}`;
    }
  };
  capture("leaves", () => treeLeaves(tree, options));
  capture("flatten", () => {
    const [leaves, def] = treeFlatten(tree, options);
    return [leaves, def.toString(), def.numNodes, def.numLeaves, def.paths()];
  });
  capture("paths", () => treeFlattenWithPath(tree, options));
  capture("map", () => {
    const calls: unknown[] = [];
    const mapped = treeMap(
      (x: unknown, ...rest: unknown[]) => {
        calls.push([x, rest.length]);
        return [x];
      },
      tree,
      options,
    );
    return [mapped, calls];
  });
  capture("copy", () => {
    const [leaves, def] = treeFlatten(tree, options);
    return treeUnflatten(def, leaves);
  });
  capture("mapN", () => treeMapN((...xs: unknown[]) => xs, [tree, ...others], options));
  return out;
}

/** `runAll` with programs switched off: the general walk's answers. */
function reference(
  tree: unknown,
  others: readonly unknown[],
  options: TreeOptions | undefined,
): Record<string, unknown> {
  programSettings.enabled = false;
  try {
    return runAll(tree, others, options);
  } finally {
    programSettings.enabled = true;
  }
}

/** Whether a program may exist for `tree` (no records, `_tag`, `__proto__` keys, null prototypes). */
function eligible(t: unknown, options: TreeOptions | undefined): boolean {
  if (options?.isLeaf !== undefined) return false;
  if (Array.isArray(t)) return t.every((x) => eligible(x, options));
  if (t !== null && typeof t === "object") {
    const proto = Object.getPrototypeOf(t);
    if (proto === null) return false;
    if (proto !== Object.prototype) return true;
    const keys = Object.keys(t);
    if (keys.includes("_tag") || keys.includes("__proto__")) return false;
    return keys.every((k) => eligible((t as Record<string, unknown>)[k], options));
  }
  return true;
}

/** Paths to every node of `t` (small trees only). */
function nodePaths(
  t: unknown,
  path: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(path);
  if (Array.isArray(t)) t.forEach((x, i) => nodePaths(x, [...path, i], out));
  else if (t !== null && typeof t === "object") {
    const proto = Object.getPrototypeOf(t);
    if (proto === Object.prototype || proto === null) {
      for (const k of Object.keys(t)) nodePaths((t as Record<string, unknown>)[k], [...path, k], out);
    }
  }
  return out;
}

const replacements: (() => unknown)[] = [
  () => 42,
  () => null,
  () => undefined,
  () => ({}),
  () => [],
  () => ({ x: 1 }),
  () => [1],
  () => Object.assign(Object.create(null), { x: 1 }),
  () => new Date(0),
  () => ({ _tag: "Pair", x: 1 }),
];

/** A copy of `t` changed at one node: replaced, or (objects) a key added, removed or reordered, or (arrays) resized. */
function mutate(t: unknown, where: number, how: number): unknown {
  const root = clone(t);
  const paths = nodePaths(root);
  const path = paths[where % paths.length] as (string | number)[];
  const change = (node: unknown): unknown => {
    const kind = how % (replacements.length + 4);
    if (kind < replacements.length) return (replacements[kind] as () => unknown)();
    if (Array.isArray(node)) return kind % 2 === 0 ? [...node, 7] : node.slice(1);
    if (node !== null && typeof node === "object" && !Object.isFrozen(node)) {
      const keys = Object.keys(node);
      const copy = clone(node) as Record<string, unknown>;
      if (kind === replacements.length) copy["zz"] = 1;
      else if (kind === replacements.length + 1 && keys.length > 0) delete copy[keys[0] as string];
      else if (kind === replacements.length + 2 && keys.length > 1) {
        const reordered: Record<string, unknown> = {};
        for (const k of keys.slice().reverse()) reordered[k] = copy[k];
        return reordered;
      } else copy["__extra"] = [];
      return copy;
    }
    return { was: node };
  };
  if (path.length === 0) return change(root);
  let parent: any = root;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path[path.length - 1] as string | number;
  if (Object.isFrozen(parent)) return root; // a frozen record: leave it (its own test covers it)
  const value = change(parent[last]);
  if (last === "__proto__") {
    Object.defineProperty(parent, last, { value, writable: true, enumerable: true, configurable: true });
  } else parent[last] = value;
  return root;
}

// -------------------------------------------------------------------------------------
// random trees
// -------------------------------------------------------------------------------------

const key = fc.oneof(
  fc.constantFrom("a", "b", "c", "w", "bias", "__proto__", "constructor", "0", "10", "2", "", "_tag"),
  fc.string({ maxLength: 3 }),
);
const leaf = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
  fc.constant(Math.exp),
  fc.constant(new Date(5)),
);
// Objects twice as likely as in the laws test: programs are about objects.
const tree = arbitraryTree({ key, leaf, maxArrayLength: 6, objectWeight: 2 });
const optionsArb = fc.constantFrom<TreeOptions | undefined>(
  undefined,
  { noneIsLeaf: true },
  { registry },
  { isLeaf: (x: unknown) => Array.isArray(x) && x.length === 1 },
);

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe("programs give the general walk's results", () => {
  test("on random trees, once compiled, and on every kind of change after (fast-check)", () => {
    let used = 0;
    fc.assert(
      fc.property(tree, optionsArb, fc.nat(), fc.nat(), (t, options, where, how) => {
        resetPrograms();
        const expected = reference(clone(t), [clone(t), clone(t)], options);
        // Enough calls for every operation to learn the structure and then use its program.
        for (let round = 0; round < 6; round++) {
          expect(runAll(clone(t), [clone(t), clone(t)], options)).toEqual(expected);
          // isDeepStrictEqual tells -0 from 0 and NaN from everything; toEqual does not.
          if (!isDeepStrictEqual(runAll(clone(t), [clone(t), clone(t)], options), expected)) {
            throw new Error(`round ${round}: results differ from the general walk's`);
          }
        }
        if (eligible(t, options)) {
          expect(programStats.hits).toBeGreaterThan(0);
          used++;
        } else expect(programStats.hits).toBe(0);
        // A tree that differs somewhere: the program must refuse it (or agree with the walk).
        const changed = mutate(t, where, how);
        const expectChanged = reference(clone(changed), [clone(changed), clone(changed)], options);
        expect(
          isDeepStrictEqual(runAll(clone(changed), [clone(changed), clone(changed)], options), expectChanged),
        ).toBe(true);
        // ... also as the second tree of treeMapN, the first one matching the program.
        const expectMixed = reference(clone(t), [clone(changed), clone(t)], options);
        expect(isDeepStrictEqual(runAll(clone(t), [clone(changed), clone(t)], options), expectMixed)).toBe(
          true,
        );
      }),
      { numRuns: 300 },
    );
    // The property is only worth something if programs actually ran on many of the trees.
    expect(used).toBeGreaterThan(60); // about a third of the trees (100 +- 10 in runs)
  });
});

describe("what programs are made for", () => {
  const model = () => ({
    layers: [
      { w: [1, 2], b: 3 },
      { w: [4, 5], b: 6 },
    ],
    scale: null,
  });

  test("a structure seen three times in a row gets a program; its TreeDef is shared", () => {
    const defs = Array.from({ length: 6 }, () => treeFlatten(model())[1]);
    expect(programStats.compiled).toBe(1);
    expect(programStats.hits).toBe(3);
    expect(defs[5]).toBe(defs[2]);
    expect(defs[5]!.equals(defs[0]!)).toBe(true);
    expect(defs[5]!.toString()).toBe(
      "TreeDef({ layers: [{ b: *, w: [*, *] }, { b: *, w: [*, *] }], scale: null })",
    );
  });

  test("leaves and paths come in fresh arrays on every call", () => {
    for (let i = 0; i < 5; i++) treeFlatten(model());
    const a = treeLeaves(model());
    a.push("mine");
    expect(treeLeaves(model())).toEqual([3, 1, 2, 6, 4, 5]);
    const [pairs] = treeFlattenWithPath(model());
    (pairs[0]![0] as (string | number)[]).push("mine");
    expect(treeFlattenWithPath(model())[0][0]![0]).toEqual(["layers", 0, "b"]);
    expect(programStats.hits).toBeGreaterThan(2);
  });

  test("trees with wrappers, _tag objects, null prototypes or an isLeaf option get none", () => {
    const w = () => ({ p: Parameterize(Math.exp, 1), q: 2 });
    const tagged = () => ({ _tag: "NotRegistered", x: 1 });
    const bare = () => Object.assign(Object.create(null), { x: 1 });
    for (let i = 0; i < 6; i++) {
      treeFlatten(w());
      treeFlatten(tagged());
      treeFlatten(bare());
      treeFlatten([1, [2]], { isLeaf: (x) => Array.isArray(x) && x.length === 1 });
    }
    // `tagged` would be a record for another registry: its program would be wrong there.
    const other = registerWrapper(emptyRegistry, {
      tag: "NotRegistered",
      children: ["x"],
      unwrap: (n: any) => n.x,
    });
    expect(treeFlatten(tagged(), { registry: other })[1].toString()).toBe("TreeDef(NotRegistered(x=*))");
    expect(programStats.compiled).toBe(0);
  });

  test("a loop over a tree that gets no program stops trying after a few calls", () => {
    const wrapped = () => ({ p: Parameterize(Math.exp, 1), layers: [{ w: 1 }, { w: 2 }] });
    for (let i = 0; i < 200; i++) {
      expect(treeLeaves(wrapped())).toHaveLength(3);
      treeMap((x: unknown) => x, wrapped());
      treeFlatten(wrapped());
    }
    // Refused once, then again after 16, 32, 64... calls: a handful of analyses in 600 calls.
    expect(programStats.refused).toBeGreaterThanOrEqual(1);
    expect(programStats.refused).toBeLessThanOrEqual(6);
    expect(programStats.compiled).toBe(0);
  });

  test("a structure whose code fails to compile gets no program; the next one still does", () => {
    const realFunction = globalThis.Function;
    try {
      globalThis.Function = function (): never {
        throw new SyntaxError("Unexpected token (as if the generator had a bug)");
      } as unknown as FunctionConstructor;
      for (let i = 0; i < 4; i++) expect(treeLeaves({ q: [1, 2] })).toEqual([1, 2]);
    } finally {
      globalThis.Function = realFunction;
    }
    expect(programStats.compiled).toBe(0);
    expect(programStats.refused).toBe(1);
    // (after the refusal's pause of 16 calls)
    for (let i = 0; i < 40; i++) expect(treeLeaves({ r: [3, 4] })).toEqual([3, 4]);
    expect(programStats.compiled).toBe(1);
    expect(programStats.hits).toBeGreaterThan(0);
  });

  test("a program made with noneIsLeaf is not used without it, and the reverse", () => {
    const t = () => ({ a: null, b: [undefined, 1] });
    for (let i = 0; i < 4; i++) treeFlatten(t());
    expect(programStats.compiled).toBe(1);
    expect(treeLeaves(t(), { noneIsLeaf: true })).toEqual([null, undefined, 1]);
    expect(treeFlatten(t(), { noneIsLeaf: true })[1].numLeaves).toBe(3);
    for (let i = 0; i < 4; i++) treeFlatten(t(), { noneIsLeaf: true });
    expect(treeLeaves(t())).toEqual([1]);
    expect(treeLeaves(t(), { noneIsLeaf: true })).toEqual([null, undefined, 1]);
  });

  test("a program that served well, then fails on the tree that replaced its structure, costs a few failed reads", () => {
    const chain = (n: number): unknown => {
      let t: unknown = null;
      for (let i = 0; i < n; i++) t = { v: [i, i], next: t };
      return t;
    };
    for (let i = 0; i < 100; i++) treeLeaves(chain(3));
    expect(programStats.hits).toBeGreaterThan(90);
    // A longer chain matches the program down to its last level and then fails there.
    const misses = programStats.misses;
    for (let i = 0; i < 30; i++) expect(treeLeaves(chain(4))).toHaveLength(8);
    expect(programStats.misses - misses).toBeLessThanOrEqual(8 + 1);
  });

  test("a chain of distinct levels (little to share) gets no program", () => {
    let t: unknown = 0;
    for (let i = 0; i < 100; i++) t = { p: [1, 2, 3, 4, 5, 6, 7, 8], next: t };
    for (let i = 0; i < 4; i++) treeFlatten(t);
    expect(programStats.compiled).toBe(0);
    expect(programStats.refused).toBe(1);
  });

  test("while treeMap learns a new structure, the programs are tried once per call", () => {
    for (let i = 0; i < 4; i++) treeFlatten({ x: [1, 2, 3] });
    expect(programStats.compiled).toBe(1);
    // Calls 2 and 3 also flatten the tree for the cache; that flatten must not read it again.
    for (let i = 0; i < 3; i++) treeMap((v: number) => v, { x: [i, i] });
    expect(programStats.misses).toBe(3);
  });

  test("a program that keeps failing costs a bounded number of failed reads", () => {
    for (let i = 0; i < 4; i++) treeFlatten({ x: [1, 2, 3] });
    expect(programStats.compiled).toBe(1);
    // Same root shape, different array length: the program fails at `x` on every call.
    for (let i = 0; i < 40; i++) expect(treeLeaves({ x: [i, i] })).toEqual([i, i]);
    // ... until it is dropped (and the new structure gets its own program instead).
    const misses = programStats.misses;
    for (let i = 0; i < 10; i++) treeLeaves({ x: [i, i] });
    expect(programStats.misses).toBe(misses);
    expect(programStats.misses).toBeLessThan(40);
  });

  test("long arrays that repeat share one function (their metas are made per node)", () => {
    const t = () => Array.from({ length: 40 }, (_, i) => ({ w: Array.from({ length: 300 }, () => i), b: i }));
    for (let i = 0; i < 4; i++) treeFlatten(t());
    expect(programStats.compiled).toBe(1);
    // The root, its loop over the 40 blocks, a block, and the loop over a block's 300 leaves.
    expect(programStats.functions).toBeLessThanOrEqual(4);
    const leaves = treeLeaves<number>(t());
    expect(programStats.hits).toBe(2);
    expect(leaves).toHaveLength(40 * 301);
    expect(leaves[301]).toBe(1); // [0].b, [0].w x 300, then [1].b
  });

  test("a deep tree gets no program and still works; a wide one gets loops", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = { next: deep, pad: [i] };
    for (let i = 0; i < 4; i++) expect(treeLeaves(deep)).toHaveLength(3001);
    expect(programStats.compiled).toBe(0);
    expect(programStats.refused).toBe(1);
    resetPrograms(); // (a refusal pauses the watching for a few calls)
    const wide = () => ({ rows: Array.from({ length: 100_000 }, (_, i) => ({ v: i })) });
    for (let i = 0; i < 4; i++) treeFlatten(wide());
    expect(programStats.compiled).toBe(1);
    const leaves = treeLeaves(wide());
    expect(programStats.hits).toBe(2);
    expect(leaves).toHaveLength(100_000);
    expect(leaves[99_999]).toBe(99_999);
    const [, def] = treeFlatten(wide());
    const back = treeMap((x: number) => -x, wide()) as { rows: { v: number }[] };
    expect(back.rows[12_345]).toEqual({ v: -12_345 });
    expect(treeUnflatten<{ rows: { v: number }[] }>(def, leaves).rows[7]).toEqual({ v: 7 });
  });
});

describe("trees that change under a program", () => {
  const make = () => ({ b: { w: 1, v: [2, 3] }, a: "x" });
  const learn = () => {
    for (let i = 0; i < 4; i++) treeFlatten(make());
    expect(programStats.compiled).toBe(1);
  };

  test("an enumerable property on Object.prototype: same result as the general walk", () => {
    learn();
    const expected = reference(make(), [make(), make()], undefined);
    (Object.prototype as any).polluted = 1;
    try {
      const polluted = reference(make(), [make(), make()], undefined);
      expect(runAll(make(), [make(), make()], undefined)).toEqual(polluted);
    } finally {
      delete (Object.prototype as any).polluted;
    }
    expect(runAll(make(), [make(), make()], undefined)).toEqual(expected);
  });

  test("getters run once per read, as in the general walk", () => {
    learn();
    const counted = (enabled: boolean): number => {
      programSettings.enabled = enabled;
      let reads = 0;
      const t = make() as any;
      Object.defineProperty(t.b, "w", { get: () => (reads++, 1), enumerable: true, configurable: true });
      treeFlatten(t);
      treeMap((x: unknown) => x, t);
      programSettings.enabled = true;
      return reads;
    };
    expect(counted(true)).toBe(counted(false));
  });

  test("f is called once per leaf, in leaf order, with one argument; an error in f propagates", () => {
    learn();
    const calls: unknown[][] = [];
    treeMap((...args: unknown[]) => calls.push(args), make());
    expect(calls).toEqual([["x"], [2], [3], [1]]);
    expect(() =>
      treeMap((x: unknown) => {
        if (x === 2) throw new Error("boom");
        return x;
      }, make()),
    ).toThrow("boom");
    expect(treeMap((x: unknown) => x, make())).toEqual(make());
  });

  test("treeMapN with keys in another order, or another structure, in the second tree", () => {
    learn();
    const reordered = { a: "y", b: { v: [20, 30], w: 10 } };
    expect(treeMapN((p: unknown, q: unknown) => [p, q], [make(), reordered])).toEqual({
      b: {
        w: [1, 10],
        v: [
          [2, 20],
          [3, 30],
        ],
      },
      a: ["x", "y"],
    });
    expect(() => treeMapN((p: unknown) => p, [make(), { b: { w: 1, v: [2] }, a: "x" }])).toThrow(
      /at \.b\.v, tree 0 has an array of length 2 but tree 1 has an array of length 1/,
    );
  });

  test("frozen inputs are read, not changed; outputs are not frozen", () => {
    learn();
    const frozen = Object.freeze({ b: Object.freeze({ w: 1, v: Object.freeze([2, 3]) }), a: "x" });
    const out = treeMap((x: unknown) => x, frozen) as any;
    expect(out).toEqual(make());
    expect(Object.isFrozen(out.b.v)).toBe(false);
    expect(programStats.hits).toBeGreaterThan(0);
  });

  test("unflatten with the wrong number of leaves still names the first path without one", () => {
    learn();
    const [leaves, def] = treeFlatten(make());
    for (let i = 0; i < 5; i++) treeUnflatten(def, leaves);
    expect(programStats.unflattenHits).toBeGreaterThan(0);
    expect(() => treeUnflatten(def, leaves.slice(0, 2))).toThrow(
      /first leaf without a value is at \.b\.v\[1\]/,
    );
    expect(treeUnflatten(def, [9, 8, 7, 6])).toEqual({ b: { w: 6, v: [8, 7] }, a: 9 });
  });

  test("tensor leaves: the same tensors come back, none is made or leaked", () => {
    const before = tf.memory().numTensors;
    const tensors = [tf.scalar(1), tf.zeros([2]), tf.ones([3])];
    const t = () => ({ w: tensors[0], layer: { k: tensors[1], b: tensors[2] } });
    for (let i = 0; i < 6; i++) {
      const leaves = treeLeaves<tf.Tensor>(t());
      // Sorted keys: layer.b, layer.k, w.
      expect(leaves[0]).toBe(tensors[2]);
      expect(leaves[1]).toBe(tensors[1]);
      expect(leaves[2]).toBe(tensors[0]);
      const same = treeMap((x: tf.Tensor) => x, t()) as any;
      expect(same.layer.b).toBe(tensors[2]);
    }
    expect(programStats.hits).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose(tensors);
    expect(tf.memory().numTensors).toBe(before);
  });
});
