import * as tf from "@tensorflow/tfjs-core";
import {
  Parameterize,
  initBackend,
  keystr,
  partition,
  treeAt,
  registerWrapper,
  treeLeaves,
  treeMap,
  treeMapN,
  treeMapWithPath,
} from "../src";
import { emptyRegistry } from "../src/advanced";

beforeAll(async () => {
  await initBackend();
});

describe("treeMap", () => {
  test("applies f to every leaf in leaf order and keeps the structure", () => {
    const seen: unknown[] = [];
    const out = treeMap(
      (x: number) => {
        seen.push(x);
        return x * 2;
      },
      { b: [1, 2], a: 3, c: null },
    );
    expect(out).toEqual({ a: 6, b: [2, 4], c: null });
    expect(Object.keys(out)).toEqual(["b", "a", "c"]);
    expect(seen).toEqual([3, 1, 2]);
  });

  test("does not mutate the input", () => {
    const tree = { a: [1, { b: 2 }] };
    const copy = JSON.parse(JSON.stringify(tree));
    treeMap((x: number) => x + 1, tree);
    expect(tree).toEqual(copy);
  });

  test("a leaf root and noneIsLeaf", () => {
    expect(treeMap((x: number) => x + 1, 1)).toBe(2);
    expect(treeMap((x: unknown) => x ?? 0, { a: null, b: [undefined] }, { noneIsLeaf: true })).toEqual({
      a: 0,
      b: [0],
    });
    expect(treeMap((x: unknown) => x ?? 0, { a: null })).toEqual({ a: null });
  });

  test("on tensors: results are new tensors; no leaks once both are disposed", () => {
    const before = tf.memory().numTensors;
    const tree = { w: tf.tensor([1, 2, 3]), b: tf.scalar(-1) };
    const out = treeMap((t: tf.Tensor) => tf.mul(t, 2), tree);
    expect(Array.from(out.w.dataSync())).toEqual([2, 4, 6]);
    expect(out.b.dataSync()[0]).toBe(-2);
    for (const t of [...treeLeaves<tf.Tensor>(tree), ...treeLeaves<tf.Tensor>(out)]) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("records keep static fields and frozenness", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "Pair",
      children: ["x"],
      unwrap: (n: any) => n.x,
    });
    const tree = [Object.freeze({ _tag: "Pair", x: 1, scale: 3 })];
    const out = treeMap((v: number) => v + 1, tree, { registry });
    expect(out).toEqual([{ _tag: "Pair", x: 2, scale: 3 }]);
    expect(Object.isFrozen(out[0])).toBe(true);
  });

  test("a frozen record's frozen array children stay frozen, as copies (Parameterize's args)", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "Call",
      children: ["args", "loose"],
      unwrap: (n: any) => n.args,
    });
    const args = Object.freeze([1, [2, 3]]);
    const loose = [4];
    const record = Object.freeze({ _tag: "Call", args, loose });
    const out = treeMap((v: number) => v * 10, { r: record }, { registry });
    expect(out).toEqual({ r: { _tag: "Call", args: [10, [20, 30]], loose: [40] } });
    expect(Object.isFrozen(out.r)).toBe(true);
    expect(Object.isFrozen(out.r.args)).toBe(true);
    // Only what was frozen comes back frozen: the inner array and the unfrozen child stay as built.
    expect(Object.isFrozen(out.r.args[1])).toBe(false);
    expect(Object.isFrozen(out.r.loose)).toBe(false);
    // The input is untouched.
    expect(Object.isFrozen(loose)).toBe(false);
    expect(record.args).toBe(args);

    // treeAt: a replacement array the caller passes in is copied before it is frozen, never frozen in place.
    const replacement = [7, [8, 9]];
    const swapped = treeAt((t: any) => t.r.args, { r: record }, replacement, { registry });
    expect(swapped.r.args).toEqual(replacement);
    expect(Object.isFrozen(swapped.r.args)).toBe(true);
    expect(Object.isFrozen(replacement)).toBe(false);

    // partition: both halves keep the record's frozen args.
    const [kept, rest] = partition({ r: record }, (x: unknown) => x === 1, { registry });
    expect(Object.isFrozen((kept as any).r.args)).toBe(true);
    expect(Object.isFrozen((rest as any).r.args)).toBe(true);
    expect((kept as any).r.args).toEqual([1, [null, null]]);

    // Frozen input comes back frozen wherever a node is rebuilt, inside any record or none.
    const open = { _tag: "Call", args, loose };
    expect(Object.isFrozen(treeMap((v: number) => v, open, { registry }).args)).toBe(true);
    expect(Object.isFrozen(treeMap((v: number) => v, { args }).args)).toBe(true);
  });

  test("Parameterize built by its constructor stays immutable through treeMap", () => {
    const p = Parameterize((a: number, b: number) => a + b, 1, 2);
    const out = treeMap((v: unknown) => (typeof v === "number" ? v * 2 : v), p);
    expect(Object.isFrozen(out)).toBe(true);
    expect(Object.isFrozen(out.args)).toBe(true);
    expect(out.args).toEqual([2, 4]);
  });

  test("depth 100,000", () => {
    let t: unknown = 1;
    for (let i = 0; i < 100_000; i++) t = { n: t };
    let out: any = treeMap((x: number) => x + 1, t);
    for (let i = 0; i < 100_000; i++) out = out.n;
    expect(out).toBe(2);
  });

  test("treeMapN at depth 100,000, and a difference at the bottom named by its path", () => {
    const chain = (depth: number, leaf: unknown): unknown => {
      let t: unknown = leaf;
      for (let i = 0; i < depth; i++) t = { n: t };
      return t;
    };
    let out: any = treeMapN((a: number, b: number) => a + b, [chain(100_000, 1), chain(100_000, 2)]);
    for (let i = 0; i < 100_000; i++) out = out.n;
    expect(out).toBe(3);
    expect(() => treeMapN((a: unknown) => a, [chain(100_000, 1), chain(100_000, [1])])).toThrow(
      /treeMapN: tree 1 does not have the structure of tree 0: at (\.n){20}…\(99960 keys\)…(\.n){20}, tree 0 has a leaf but tree 1 has an array/,
    );
  });

  test("__proto__ keys stay own data properties", () => {
    const tree = JSON.parse('{"__proto__": {"x": 1}}');
    const out = treeMap((v: number) => v + 1, tree);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ x: 2 });
    expect((out as { x?: unknown }).x).toBeUndefined();
  });

  test("cycles throw", () => {
    const a: any = [1];
    a.push(a);
    expect(() => treeMap((x: unknown) => x, a)).toThrow(/cyclic tree/);
  });
});

describe("treeMapWithPath", () => {
  test("gives each leaf its key path", () => {
    const out = treeMapWithPath((path, x: number) => `${keystr(path)}=${x}`, {
      a: [1, { "odd key": 2 }],
      b: 3,
    });
    expect(out).toEqual({ a: [".a[0]=1", { "odd key": '.a[1]["odd key"]=2' }], b: ".b=3" });
  });
  test("the root leaf has the empty path", () => {
    expect(treeMapWithPath((path) => path, 5)).toEqual([]);
  });
});

describe("treeMapN", () => {
  test("maps across trees, matching objects by key", () => {
    const out = treeMapN(
      (a: number, b: number, c: number) => a + b + c,
      [
        { x: 1, y: [2] },
        { y: [20], x: 10 },
        { x: 100, y: [200] },
      ],
    );
    expect(out).toEqual({ x: 111, y: [222] });
  });

  test("the result has the first tree's structure and key order", () => {
    const out = treeMapN(
      (a: number, b: number) => a * b,
      [
        { b: 2, a: 3 },
        { a: 4, b: 5 },
      ],
    );
    expect(Object.keys(out)).toEqual(["b", "a"]);
    expect(out).toEqual({ a: 12, b: 10 });
  });

  test("structure mismatches name the path and what each side holds", () => {
    expect(() => treeMapN((a) => a, [{ a: [1, 2] }, { a: [1, 2, 3] }])).toThrow(
      "treeMapN: tree 1 does not have the structure of tree 0: at .a, tree 0 has an array of length 2 but tree 1 has an array of length 3",
    );
    expect(() => treeMapN((a) => a, [{ a: { b: 1 } }, { a: { c: 1 } }])).toThrow(
      /at \.a, tree 0 has an object with keys \["b"\] but tree 1 has an object with keys \["c"\]/,
    );
    expect(() =>
      treeMapN(
        (a) => a,
        [
          [1, 2],
          [1, [2]],
          [1, 2],
        ],
      ),
    ).toThrow(/at \[1\], tree 0 has a leaf but tree 1 has an array of length 1/);
    expect(() => treeMapN((a) => a, [{ a: null }, { a: 1 }])).toThrow(
      /at \.a, tree 0 has null but tree 1 has a leaf/,
    );
    expect(() => treeMapN((a) => a, [{ a: 1 }, { a: 1, b: 2 }])).toThrow(/<root>/);
  });

  test("records with different static fields are different structures", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "Pair",
      children: ["x"],
      unwrap: (n: any) => n.x,
    });
    expect(() =>
      treeMapN((a) => a, [{ p: { _tag: "Pair", x: 1, s: 1 } }, { p: { _tag: "Pair", x: 1, s: 2 } }], {
        registry,
      }),
    ).toThrow(/at \.p, tree 0 has a Pair record with s=1 but tree 1 has a Pair record with s=2/);
  });

  test("rejects an empty list", () => {
    expect(() => treeMapN((a) => a, [])).toThrow(/non-empty array/);
  });
});
