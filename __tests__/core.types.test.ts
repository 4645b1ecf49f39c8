/**
 * The tree types: `treeMap`, `treeMapWithPath` and `treeMapN` return the input's type with its
 * leaves replaced by what `f` returns (`TreeMapped`), never `any` for a typed tree. Checked at
 * compile time (the `Expect` lines and the `@ts-expect-error`s), and the values at run time.
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  type NonTrainable,
  Parameterize,
  type WeightNormalization,
  defineWrapper,
  initBackend,
  treeMap,
  treeMapN,
  treeMapWithPath,
  type TreeMapped,
} from "../src";
import type { RecordChildren } from "../src/advanced";

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

beforeAll(async () => {
  await initBackend();
});

export type Mapped = [
  Expect<Equal<TreeMapped<{ a: number; b: number[] }, string>, { a: string; b: string[] }>>,
  Expect<Equal<TreeMapped<readonly [number, { x: string }], boolean>, readonly [boolean, { x: boolean }]>>,
  Expect<
    Equal<
      TreeMapped<{ w: tf.Tensor; skip: null; opt?: number }, number>,
      { w: number; skip: null; opt?: number }
    >
  >,
  Expect<Equal<TreeMapped<{ f: (x: number) => number; d: Date }, 0>, { f: 0; d: 0 }>>,
  Expect<Equal<TreeMapped<{ _tag: "Pair"; x: number }, string>, { _tag: "Pair"; x: string }>>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped tree stays untyped
  Expect<Equal<TreeMapped<any, number>, any>>,
  Expect<Equal<TreeMapped<unknown, number>, unknown>>,
];

// A record type that names its children: static fields keep their types.
interface Scaled extends RecordChildren<"value"> {
  readonly _tag: "Scaled";
  readonly value: number;
  readonly by: number;
}
type Softplus = Parameterize<tf.Tensor, readonly [tf.Tensor]>;
type Model = { noise: Softplus; frozen: NonTrainable<{ mean: tf.Tensor }>; w: WeightNormalization };

export type Records = [
  Expect<Equal<TreeMapped<Scaled, string>["value"], string>>,
  Expect<Equal<TreeMapped<Scaled, string>["by"], number>>,
  Expect<Equal<TreeMapped<Scaled, string>["_tag"], "Scaled">>,
  // The built-in wrappers: `fn` is static, `args` / `tree` / `weight` and `scale` are children.
  Expect<Equal<TreeMapped<Model, number>["noise"]["fn"], Softplus["fn"]>>,
  Expect<Equal<TreeMapped<Model, number>["noise"]["args"], readonly [number]>>,
  Expect<Equal<TreeMapped<Model, number>["frozen"]["tree"], { mean: number }>>,
  // (a union: the weight may itself be a wrapper, mapped as a record)
  Expect<Equal<number extends TreeMapped<Model, number>["w"]["weight"] ? true : false, true>>,
  Expect<Equal<TreeMapped<Model, number>["w"]["_tag"], "WeightNormalization">>,
];

describe("typed results", () => {
  test("a wrapper's static fields keep their types and values; its children are mapped", () => {
    const before = tf.memory().numTensors;
    const Shift = defineWrapper({
      tag: "TypesShift",
      children: ["x"],
      unwrap: ({ x, by }: { x: number; by: string }) => x + Number(by),
    });
    const model = { p: Parameterize((a: number) => a * 2, 3), s: Shift({ x: 1, by: "2" }) };
    const out = treeMap((x: number) => String(x), model);
    const fn: (...args: never[]) => unknown = out.p.fn; // a function, not a leaf's type
    const by: string = out.s.by;
    const arg: string = out.p.args[0];
    const x: string = out.s.x;
    // @ts-expect-error a static field is not mapped
    const wrong: string = out.p.fn;
    expect([fn, by, arg, x, wrong]).toEqual([model.p.fn, "2", "3", "1", model.p.fn]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("treeMap, treeMapWithPath and treeMapN follow the tree", () => {
    const before = tf.memory().numTensors;
    const out = treeMap((x: number) => String(x), { a: 1, b: [2, 3] as const });
    const a: string = out.a;
    const b0: string = out.b[0];
    // @ts-expect-error the leaves are strings now
    const wrong: number = out.a;
    expect([a, b0, wrong]).toEqual(["1", "2", "1"]);

    const sizes = tf.tidy(() => treeMap((t: tf.Tensor) => t.size, { w: tf.zeros([2, 3]) }));
    const size: number = sizes.w;
    expect(size).toBe(6);

    const paths = treeMapWithPath((path) => path.length, { x: [0] });
    const depth: number = paths.x[0]!;
    expect(depth).toBe(2);

    const sums = treeMapN((p: number, q: number) => p + q, [{ s: 1 }, { s: 2 }]);
    const s: number = sums.s;
    expect(s).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
