/**
 * Type-level tests of `Unwrapped<T>` and of the wrapper constructors' types. ts-jest type-checks
 * this file, so each `Expect<Equal<...>>` is a compile-time assertion and each
 * `// @ts-expect-error` line proves that a wrong type is rejected. The runtime tests check that
 * the values agree with the computed types.
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  NonTrainable,
  Parameterize,
  WeightNormalization,
  nonTrainable,
  unwrap,
  type Unwrappable,
  type Unwrapped,
  type UnwrappedWith,
} from "../src";
import { type NonTrainableLeaves } from "../src/advanced";
import { registerWrapper } from "../src";
import { defaultRegistry } from "../src";
import { initBackend } from "../src";

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

beforeAll(async () => {
  await initBackend();
});

// -------------------------------------------------------------------------------------
// Unwrapped on the built-in wrappers
// -------------------------------------------------------------------------------------

export type BuiltIns = [
  Expect<Equal<Unwrapped<Parameterize<number>>, number>>,
  Expect<Equal<Unwrapped<Parameterize<tf.Tensor, [tf.Tensor]>>, tf.Tensor>>,
  Expect<Equal<Unwrapped<WeightNormalization>, tf.Tensor>>,
  Expect<Equal<Unwrapped<WeightNormalization<tf.Rank.R2>>, tf.Tensor2D>>,
  Expect<Equal<Unwrapped<NonTrainable<tf.Tensor1D>>, tf.Tensor1D>>,
  Expect<Equal<Unwrapped<NonTrainable<{ a: Parameterize<string> }>>, { a: string }>>,
  Expect<Equal<Unwrapped<NonTrainable<NonTrainable<number>>>, number>>,
];

// -------------------------------------------------------------------------------------
// Unwrapped through arrays, tuples, objects and unions
// -------------------------------------------------------------------------------------

interface Layer {
  readonly weight: WeightNormalization;
  readonly bias: tf.Tensor1D;
  readonly scale?: Parameterize<tf.Tensor>;
  activation: (x: tf.Tensor) => tf.Tensor;
}

export type Structures = [
  Expect<
    Equal<
      Unwrapped<Layer>,
      {
        readonly weight: tf.Tensor;
        readonly bias: tf.Tensor1D;
        readonly scale?: tf.Tensor;
        activation: (x: tf.Tensor) => tf.Tensor;
      }
    >
  >,
  Expect<Equal<Unwrapped<Layer[]>, Unwrapped<Layer>[]>>,
  Expect<
    Equal<
      Unwrapped<readonly [Parameterize<number>, string, Layer]>,
      readonly [number, string, Unwrapped<Layer>]
    >
  >,
  Expect<Equal<Unwrapped<[1, "a", null, undefined]>, [1, "a", null, undefined]>>,
  Expect<Equal<Unwrapped<{ a: { b: { c: Parameterize<boolean>[] } } }>, { a: { b: { c: boolean[] } } }>>,
  Expect<Equal<Unwrapped<tf.Tensor | Parameterize<number>>, tf.Tensor | number>>,
  Expect<Equal<Unwrapped<Map<string, Parameterize<number>>>, Map<string, Parameterize<number>>>>,
  Expect<Equal<Unwrapped<Date>, Date>>,
  Expect<Equal<Unwrapped<Float32Array>, Float32Array>>,
  Expect<Equal<Unwrapped<any>, any>>,
  Expect<Equal<Unwrapped<unknown>, unknown>>,
  // A record with a `_tag` but no declared output type is mapped field by field.
  Expect<Equal<Unwrapped<{ _tag: "Plain"; x: Parameterize<number> }>, { _tag: "Plain"; x: number }>>,
];

// -------------------------------------------------------------------------------------
// custom tags: extend Unwrappable<Tag, Out>
// -------------------------------------------------------------------------------------

interface Clip extends Unwrappable<"Clip", tf.Tensor> {
  readonly value: tf.Tensor | Unwrappable<string, tf.Tensor>;
  readonly lo: number;
  readonly hi: number;
}
interface Box<T> extends Unwrappable<"Box", { boxed: Unwrapped<T> }> {
  readonly inner: T;
}

// With a registry (UnwrappedWith, what unwrap(tree, { registry }) returns), they unwrap.
export type Custom = [
  Expect<Equal<UnwrappedWith<Clip>, tf.Tensor>>,
  Expect<Equal<UnwrappedWith<{ layers: [Clip, Parameterize<number>] }>, { layers: [tf.Tensor, number] }>>,
  Expect<Equal<UnwrappedWith<Box<Parameterize<number>>>, { boxed: number }>>,
  Expect<Equal<UnwrappedWith<NonTrainable<Clip>>, tf.Tensor>>,
];

// Without a registry (Unwrapped, what unwrap(tree) returns), a tag only a registry knows stays a
// record, its fields unwrapped, as unwrap leaves it at run time.
export type CustomWithoutRegistry = [
  Expect<Equal<Unwrapped<Clip>["lo"], number>>,
  Expect<Equal<Unwrapped<Clip>["_tag"], "Clip">>,
  Expect<Equal<Unwrapped<Box<Parameterize<number>>>["inner"], number>>,
  Expect<Equal<Unwrapped<NonTrainable<Clip>>["_tag"], "Clip">>,
  Expect<Equal<Unwrapped<{ layers: [Clip, Parameterize<number>] }>["layers"][1], number>>,
  Expect<Equal<Unwrapped<{ layers: [Clip, Parameterize<number>] }>["layers"][0]["hi"], number>>,
];

// -------------------------------------------------------------------------------------
// nonTrainable keeps the unwrapped type
// -------------------------------------------------------------------------------------

export type Frozen = [
  Expect<Equal<Unwrapped<NonTrainableLeaves<{ w: tf.Tensor2D; n: number }>>, { w: tf.Tensor2D; n: number }>>,
  Expect<Equal<NonTrainableLeaves<NonTrainable<tf.Tensor>>, NonTrainable<tf.Tensor>>>,
  Expect<Equal<NonTrainableLeaves<{ w: tf.Tensor }>, { w: tf.Tensor | NonTrainable<tf.Tensor> }>>,
];

// -------------------------------------------------------------------------------------
// constructors infer the types that unwrap then returns
// -------------------------------------------------------------------------------------

describe("constructor and unwrap types", () => {
  test("Parameterize infers the output type from fn and the argument types from args", () => {
    const before = tf.memory().numTensors;
    const square = (x: number) => x * x;
    const nested = Parameterize(square, Parameterize(square, Parameterize(square, 2)));
    const n = unwrap(nested);
    type _n = Expect<Equal<typeof n, number>>;
    expect(n).toBe(256);

    // args may be wrappers that unwrap to fn's parameter types.
    const add = (a: number, b: { c: number }) => `${a + b.c}`;
    const p = Parameterize(add, Parameterize(square, 3), { c: Parameterize(square, 2) });
    const s = unwrap(p);
    type _s = Expect<Equal<typeof s, string>>;
    expect(s).toBe("13");

    // @ts-expect-error: a string where fn wants a number
    Parameterize(square, "3");
    const stringy = Parameterize((x: number) => String(x), 1);
    // @ts-expect-error: a wrapper of a string where fn wants a number
    Parameterize(square, stringy);

    const positive = Parameterize(tf.exp, tf.zeros([3]));
    const t = unwrap({ positive, label: "x" });
    type _t = Expect<Equal<typeof t, { positive: tf.Tensor; label: string }>>;
    expect(Array.from(t.positive.dataSync())).toEqual([1, 1, 1]);
    tf.dispose([positive.args[0], t.positive]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("NonTrainable, nonTrainable and WeightNormalization unwrap to the declared types", () => {
    const before = tf.memory().numTensors;
    const w = tf.tensor2d([[3, 4]]);
    const wn = WeightNormalization(w);
    type _wn = Expect<Equal<typeof wn, WeightNormalization<tf.Rank.R2>>>;
    const model = { wn, frozen: NonTrainable({ k: 2 }), leaves: nonTrainable({ w }) };
    const out = unwrap(model);
    type _out = Expect<
      Equal<typeof out, { wn: tf.Tensor2D; frozen: { k: number }; leaves: { w: tf.Tensor2D } }>
    >;
    expect(out.wn.shape).toEqual([1, 2]);
    expect(out.frozen).toEqual({ k: 2 });
    expect(out.leaves.w.shape).toEqual([1, 2]);
    // @ts-expect-error: WeightNormalization unwraps to a tensor, not a number
    const wrong: number = out.wn;
    void wrong;
    const raw = (wn.scale as Parameterize<tf.Tensor, [tf.Tensor]>).args[0];
    tf.dispose([w, raw, out.wn, out.leaves.w]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("unwrapWith keeps the same typing for custom tags", () => {
    const before = tf.memory().numTensors;
    const registry = registerWrapper(defaultRegistry, {
      tag: "Clip",
      children: ["value"],
      unwrap: (node: Clip) => tf.clipByValue(node.value as tf.Tensor, node.lo, node.hi),
    });
    const x = tf.tensor1d([-2, 0.5, 3]);
    const clip: Clip = { _tag: "Clip", value: x, lo: 0, hi: 1 };
    const out = unwrap({ clip, n: 1 }, { registry });
    type _out = Expect<Equal<typeof out, { clip: tf.Tensor; n: number }>>;
    expect(Array.from(out.clip.dataSync())).toEqual([0, 0.5, 1]);
    tf.dispose([x, out.clip]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
