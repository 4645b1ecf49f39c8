import * as tf from "@tensorflow/tfjs-core";
import {
  initBackend,
  registerWrapper,
  treeFlatten,
  treeMap,
  treeFlattenWithPath,
  treeLeaves,
  treeStructure,
  treeUnflatten,
  withOptions,
} from "../src";
import { emptyRegistry } from "../src/advanced";

beforeAll(async () => {
  await initBackend();
});

/** A chain `{ next: { next: ... { next: leaf } } }` of the given depth, built without recursion. */
function chain(depth: number, leaf: unknown): unknown {
  let t: unknown = leaf;
  for (let i = 0; i < depth; i++) t = { next: t };
  return t;
}

describe("treeFlatten / treeUnflatten", () => {
  test("leaves in sorted-key order, structure kept, unflatten restores", () => {
    const tree = { b: [1, { d: 2, c: 3 }], a: "s" };
    const [leaves, def] = treeFlatten(tree);
    expect(leaves).toEqual(["s", 1, 3, 2]);
    expect(def.numLeaves).toBe(4);
    const back = treeUnflatten(def, leaves);
    expect(back).toEqual(tree);
    expect(back).not.toBe(tree);
  });

  test("unflatten restores the original key insertion order", () => {
    const tree = { b: 1, a: 2, c: { z: 3, y: 4 } };
    const back = treeUnflatten<any>(treeStructure(tree), [10, 20, 30, 40]);
    expect(Object.keys(back)).toEqual(["b", "a", "c"]);
    expect(Object.keys(back.c)).toEqual(["z", "y"]);
    expect(back).toEqual({ a: 10, b: 20, c: { y: 30, z: 40 } });
  });

  test("everything that is not a node is a leaf", () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const f = () => 1;
    const p = new Point(1);
    const typed = new Float32Array(2);
    const tree = [1, "s", true, 5n, f, p, typed, new Date(0), new Map()];
    const leaves = treeLeaves(tree);
    expect(leaves).toHaveLength(9);
    expect(leaves[4]).toBe(f);
    expect(leaves[5]).toBe(p);
    expect(leaves[6]).toBe(typed);
  });

  test("tensors are leaves and are passed through, not copied", () => {
    const before = tf.memory().numTensors;
    const w = tf.ones([2, 3]);
    const [leaves, def] = treeFlatten({ w, n: [w] });
    expect(leaves[0]).toBe(w);
    expect(leaves[1]).toBe(w);
    const back = treeUnflatten<any>(def, leaves);
    expect(back.w).toBe(w);
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("null and undefined are empty nodes by default, leaves with noneIsLeaf", () => {
    const tree = { a: null, b: undefined, c: 1 };
    expect(treeLeaves(tree)).toEqual([1]);
    expect(treeLeaves(tree, { noneIsLeaf: true })).toEqual([null, undefined, 1]);
    const [leaves, def] = treeFlatten(tree);
    const back = treeUnflatten<any>(def, leaves);
    expect(back).toEqual(tree);
    expect("b" in back).toBe(true);
    expect(back.b).toBeUndefined();
    expect(treeLeaves(null)).toEqual([]);
    expect(treeLeaves(null, { noneIsLeaf: true })).toEqual([null]);
  });

  test("a leaf root and empty containers", () => {
    const [leaves, def] = treeFlatten(5);
    expect(leaves).toEqual([5]);
    expect(treeUnflatten(def, [6])).toBe(6);
    expect(treeUnflatten(treeStructure({ a: [], b: {} }), [])).toEqual({ a: [], b: {} });
  });

  test("isLeaf is asked first, at every node, and before the registry", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "Pair",
      children: ["x", "y"],
      unwrap: (n: any) => n,
    });
    const pair = { _tag: "Pair", x: 1, y: 2 };
    const asked: unknown[] = [];
    const leaves = treeLeaves([pair, [3]], {
      registry,
      isLeaf: (node) => {
        asked.push(node);
        return (node as { _tag?: string } | null)?._tag === "Pair";
      },
    });
    expect(leaves).toEqual([pair, 3]);
    expect(asked[0]).toEqual([pair, [3]]);
    expect(asked).toContain(pair);
    expect(treeLeaves({ a: [1, 2] }, { isLeaf: Array.isArray })).toEqual([[1, 2]]);
    // isLeaf wins over noneIsLeaf=false too.
    expect(treeLeaves({ a: null }, { isLeaf: (n) => n === null })).toEqual([null]);
  });

  test("null-prototype objects are nodes and come back with a null prototype", () => {
    const bare = Object.assign(Object.create(null), { b: 1, a: 2 });
    const [leaves, def] = treeFlatten(bare);
    expect(leaves).toEqual([2, 1]);
    const back = treeUnflatten<object>(def, leaves);
    expect(Object.getPrototypeOf(back)).toBeNull();
    expect(Object.keys(back)).toEqual(["b", "a"]);
  });

  test("wrong leaf counts throw, naming the counts and the first missing path", () => {
    const def = treeStructure({ a: [0, 0], b: 0 });
    expect(() => treeUnflatten(def, [1])).toThrow(
      /has 3 leaves, got 1; the first leaf without a value is at \.a\[1\]/,
    );
    expect(() => treeUnflatten(def, [1, 2, 3, 4])).toThrow(/has 3 leaves, got 4/);
    expect(() => treeUnflatten(def, "abc" as unknown as unknown[])).toThrow(/leaves must be an array/);
  });
});

describe("registered records", () => {
  const registry = registerWrapper(emptyRegistry, {
    tag: "Pair",
    children: ["x"],
    unwrap: (n: { x: unknown }) => n.x,
  });

  test("static fields stay in the treedef; unflatten rebuilds the record (frozen if it was)", () => {
    const node = Object.freeze({ _tag: "Pair", x: [1, 2], scale: 3 });
    const [leaves, def] = treeFlatten(node, { registry });
    expect(leaves).toEqual([1, 2]);
    expect(def.toString()).toBe("TreeDef(Pair(x=[*, *], scale=3))");
    const back = treeUnflatten<any>(def, [5, 6]);
    expect(back).toEqual({ _tag: "Pair", x: [5, 6], scale: 3 });
    expect(Object.isFrozen(back)).toBe(true);
    expect(back).not.toBe(node);
  });

  test("different static data makes different treedefs", () => {
    const a = treeStructure({ _tag: "Pair", x: 1, scale: 3 }, { registry });
    const b = treeStructure({ _tag: "Pair", x: 1, scale: 4 }, { registry });
    expect(a.equals(b)).toBe(false);
  });
});

describe("key paths at every depth", () => {
  test("each leaf gets its own fresh path, whatever its depth (0 to 12)", () => {
    for (let depth = 0; depth <= 12; depth++) {
      // Alternate object keys and array indices: [a, 0, a, 0, ...]
      let tree: unknown = "leaf";
      const want: (string | number)[] = [];
      for (let i = depth - 1; i >= 0; i--) {
        tree = i % 2 === 0 ? { a: tree, b: "sibling" } : [tree];
        want.unshift(i % 2 === 0 ? "a" : 0);
      }
      const [pairs] = treeFlattenWithPath(tree);
      const leaf = pairs.find(([, v]) => v === "leaf");
      expect(leaf?.[0]).toEqual(want);
      // Sibling leaves never share a path array: editing one leaves the others alone.
      const paths = pairs.map(([p]) => p);
      expect(new Set(paths).size).toBe(paths.length);
      (paths[0] as (string | number)[]).push("edited");
      expect(treeFlattenWithPath(tree)[0].map(([p]) => p)).toEqual(
        pairs.map(([p], i) => (i === 0 ? p.slice(0, -1) : p)),
      );
    }
  });
});

describe("rebuilding objects (compiled per shape after a few builds)", () => {
  /** Own keys in order, each with its property descriptor: what a rebuilt object must reproduce. */
  const own = (o: object): [string, PropertyDescriptor | undefined][] =>
    Object.keys(o).map((k) => [k, Object.getOwnPropertyDescriptor(o, k)]);

  test("every rebuild of a shape is the same object, before and after the shape is compiled", () => {
    // Keys no code generator may trip over: quotes, backslashes, line separators, an injection
    // attempt, integer-like keys (enumerated first), the empty key, Object.prototype names.
    const weird = {
      'a"b': 1,
      "c\\d": 2,
      "e\u2028f\u2029g\nh": 3,
      "}; globalThis.pwned = 1; ({": 4,
      "10": 5,
      "2": 6,
      "": 7,
      constructor: 8,
      toString: 9,
      hasOwnProperty: 10,
      "\u{1F600}": 11,
    };
    const [leaves, def] = treeFlatten(weird);
    for (let round = 0; round < 12; round++) {
      const back = treeUnflatten<Record<string, number>>(
        def,
        leaves.map((x) => (x as number) + round),
      );
      expect(own(back)).toEqual(
        own(Object.fromEntries(Object.entries(weird).map(([k, v]) => [k, v + round]))),
      );
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    }
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
  });

  test("results are fresh objects: editing one does not touch the next", () => {
    const [leaves, def] = treeFlatten({ y: 1, x: 2 });
    const made = Array.from({ length: 10 }, () => treeUnflatten<Record<string, number>>(def, leaves));
    made[9]!.x = 99;
    expect(made[8]).toEqual({ y: 1, x: 2 });
    expect(new Set(made).size).toBe(10);
  });

  test("under a CSP ban on code generation, every function works and never tries to generate code", () => {
    const realFunction = globalThis.Function;
    const realEval = globalThis.eval;
    let attempts = 0;
    const forbidden = function (): never {
      attempts++;
      throw new EvalError("Refused to evaluate a string as JavaScript (CSP)");
    } as unknown as FunctionConstructor;
    try {
      globalThis.Function = forbidden;
      globalThis.eval = forbidden as unknown as typeof eval;
      for (let round = 0; round < 10; round++) {
        const [leaves, def] = treeFlatten({ zeta: 1, alpha: [2], mid: { q: 3 } });
        const back = treeUnflatten(def, leaves);
        expect(Object.keys(back as object)).toEqual(["zeta", "alpha", "mid"]);
        expect(back).toEqual({ zeta: 1, alpha: [2], mid: { q: 3 } });
        expect(treeMap((x: number) => x + 1, { zeta: 1, alpha: [2] })).toEqual({ zeta: 2, alpha: [3] });
      }
      expect(attempts).toBe(0);
    } finally {
      globalThis.Function = realFunction;
      globalThis.eval = realEval;
    }
  });
});

describe("__proto__ and constructor keys", () => {
  test("survive flatten/unflatten as own data properties; no prototype changes", () => {
    const tree = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": 2}, "x": 3}');
    const [leaves, def] = treeFlatten(tree);
    expect(leaves).toEqual([1, 2, 3]); // keys sorted: "__proto__" < "constructor" < "x"
    const back = treeUnflatten<any>(def, leaves);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(["__proto__", "constructor", "x"]);
    expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toEqual({ polluted: 1 });
    expect(Object.getOwnPropertyDescriptor(back, "constructor")?.value).toEqual({ prototype: 2 });
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
    const [pairs] = treeFlattenWithPath(tree);
    expect(pairs.map(([p]) => p)).toEqual([["__proto__", "polluted"], ["constructor", "prototype"], ["x"]]);
  });
});

describe("deep and cyclic trees", () => {
  const depth = 100_000;

  test("depth 100,000: flatten, flattenWithPath, unflatten", () => {
    const tree = chain(depth, 7);
    const [leaves, def] = treeFlatten(tree);
    expect(leaves).toEqual([7]);
    expect(def.numNodes).toBe(depth + 1);
    const [pairs] = treeFlattenWithPath(tree);
    expect(pairs[0]?.[0]).toHaveLength(depth);
    let back: any = treeUnflatten(def, [8]);
    for (let i = 0; i < depth; i++) back = back.next;
    expect(back).toBe(8);
    // Deep arrays too.
    let arr: unknown = 1;
    for (let i = 0; i < depth; i++) arr = [arr];
    expect(treeLeaves(arr)).toEqual([1]);
  });

  test("cycles throw a clear error, shallow or deep", () => {
    const a: any = { x: 1 };
    a.self = a;
    expect(() => treeFlatten(a)).toThrow(/cyclic tree/);
    const arr: any[] = [1];
    arr.push([[arr]]);
    expect(() => treeLeaves(arr)).toThrow(/cyclic tree: the node at <root> contains itself/);
    const deep: any = { next: null };
    let end = deep;
    for (let i = 0; i < 5000; i++) end = end.next = { next: null };
    end.next = deep;
    expect(() => treeFlattenWithPath(deep)).toThrow(/cyclic tree/);
  });

  test("a shared (acyclic) subtree is not a cycle", () => {
    const shared = { w: 1 };
    expect(treeLeaves({ a: shared, b: shared })).toEqual([1, 1]);
  });
});

describe("tree options of the wrong type are a TypeError naming the option, for every entry", () => {
  test.each([
    [{ isLeaf: 3 }, "tree options: isLeaf must be a function, got 3"],
    [{ noneIsLeaf: "yes" }, 'tree options: noneIsLeaf must be true or false, got "yes"'],
    [{ registry: {} }, "tree options: registry must be a registry"],
    [{ registry: new Map() }, "tree options: registry must be a registry"],
    [null, "tree options must be an object ({ isLeaf?, noneIsLeaf?, registry? }), got null"],
    [5, "tree options must be an object ({ isLeaf?, noneIsLeaf?, registry? }), got 5"],
  ])("%p", (options, message) => {
    expect(() => treeLeaves([1], options as never)).toThrow(new RegExp(`^${escape(message)}`));
    expect(() => withOptions({}).treeLeaves([1], options as never)).toThrow(TypeError);
    expect(() => treeMap((x: number) => x, [1], options as never)).toThrow(new RegExp(`^${escape(message)}`));
  });
  test("undefined fields are the defaults", () => {
    expect(treeLeaves([1, null], { isLeaf: undefined, noneIsLeaf: undefined, registry: undefined })).toEqual([
      1,
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
