/**
 * Custom wrapper tags declared for a registry (a record type extending `Unwrappable` plus
 * `registerWrapper`): unwrapped by `unwrap(tree, { registry })` nested in and around the built-in
 * wrappers, seen by the tree functions through their declared children, and ordinary objects for
 * a registry that does not know them. Also runs examples/customWrapper.ts, whose wrappers are made
 * with `defineWrapper` (see wrappers.defineWrapper.test.ts for those).
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeFlatten, treeLeaves, treeStructure } from "../src";
import { treeMap } from "../src";
import { registerWrapper } from "../src";
import {
  NonTrainable,
  Parameterize,
  UnwrapError,
  WeightNormalization,
  containsUnwrappables,
  defaultRegistry,
  isUnwrappable,
  nonTrainable,
  unwrap,
} from "../src";
import { IncreasingOnInterval, increasingSpec, main } from "../examples/customWrapper";
import { useBackendAndCheckLeaks } from "./support/tensors";
import type { Registry, Unwrappable, UnwrappedWith, WrapperSpec } from "../src";

/** A wrapper declared for a registry only: a record type, a constructor and a spec. */
interface Clip extends Unwrappable<"Clip", tf.Tensor> {
  readonly value: tf.Tensor | Unwrappable<string, tf.Tensor>;
  readonly lo: number;
  readonly hi: number;
}

function Clip(value: Clip["value"], lo: number, hi: number): Clip {
  return Object.freeze({ _tag: "Clip", value, lo, hi });
}

const clipSpec: WrapperSpec<Clip, tf.Tensor> = {
  tag: "Clip",
  children: ["value"],
  unwrap: ({ value, lo, hi }) => tf.clipByValue(value as tf.Tensor, lo, hi),
};

/** The built-in wrappers plus Clip and (the example's) IncreasingOnInterval. */
const registry: Registry = registerWrapper(registerWrapper(defaultRegistry, clipSpec), increasingSpec);
const unwrapCustom = <T>(t: T): UnwrappedWith<T> => unwrap(t, { registry });

useBackendAndCheckLeaks();

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe("a custom tag next to the built-ins", () => {
  test("registerWrapper returns a new registry; the default one is unchanged", () => {
    expect(registry).not.toBe(defaultRegistry);
    expect([...registry.specs.keys()]).toEqual([
      "Parameterize",
      "NonTrainable",
      "WeightNormalization",
      "Clip",
      "IncreasingOnInterval",
    ]);
    expect(defaultRegistry.specs.has("Clip")).toBe(false);
    expect(() => registerWrapper(registry, clipSpec)).toThrow('the tag "Clip" is already registered');
    const x = tf.scalar(1);
    expect(isUnwrappable(Clip(x, 0, 1), { registry: registry })).toBe(true);
    expect(isUnwrappable(Clip(x, 0, 1))).toBe(false);
    expect(containsUnwrappables({ a: [Clip(x, 0, 1)] }, { registry: registry })).toBe(true);
    expect(containsUnwrappables({ a: [Clip(x, 0, 1)] })).toBe(false);
    x.dispose();
  });

  test("Clip around built-ins, built-ins around Clip, and Clip around Clip", () => {
    const x = tf.tensor1d([-1, 0, 1, 2]);
    // exp(x) = [0.37, 1, 2.72, 7.39] clipped to [0.5, 3]
    const a = unwrapCustom(Clip(Parameterize(tf.exp, x), 0.5, 3));
    expect(values(a)).toEqual([0.5, 1, Math.fround(Math.E), 3]);
    // exp(clip(x, 0, 1)) = [1, 1, e, e]
    const b = unwrapCustom(Parameterize(tf.exp, Clip(x, 0, 1)));
    expect(values(b).map((v) => v.toFixed(5))).toEqual([1, 1, Math.E, Math.E].map((v) => v.toFixed(5)));
    // clip(clip(x, -0.5, 1.5), 0, 1) = [0, 0, 1, 1]
    const c = unwrapCustom({ deep: [Clip(Clip(x, -0.5, 1.5), 0, 1)] });
    expect(values(c.deep[0] as tf.Tensor)).toEqual([0, 0, 1, 1]);
    tf.dispose([x, a, b, c.deep[0]]);
  });

  test("NonTrainable and WeightNormalization around a custom wrapper: values and gradients", () => {
    const x = tf.tensor1d([0.2, 0.8, 1.5]);
    // d/dx sum(clip(x, 0, 1)) = [1, 1, 0]; frozen: [0, 0, 0]
    const g = tf.grad((v: tf.Tensor) => tf.sum(unwrapCustom(Clip(v, 0, 1))))(x);
    expect(values(g)).toEqual([1, 1, 0]);
    const frozen = tf.grad((v: tf.Tensor) => tf.sum(unwrapCustom(NonTrainable(Clip(v, 0, 1)))))(x);
    expect(values(frozen)).toEqual([0, 0, 0]);
    // WeightNormalization of a clipped weight: clip([[3, 4]], 0, 3) = [[3, 3]], norm 3√2.
    const w = tf.tensor2d([[3, 4]]);
    const wn = WeightNormalization(Clip(w, 0, 3), { registry });
    const out = unwrapCustom(wn);
    const n = 3 * Math.SQRT2;
    values(out).forEach((v) => expect(v).toBeCloseTo(3 / n ** 2, 6));
    // Without the custom registry the weight does not unwrap to a tensor.
    expect(() => WeightNormalization(Clip(w, 0, 3))).toThrow("got a plain object");
    const raw = (wn.scale as unknown as Parameterize<tf.Tensor, [tf.Tensor]>).args[0];
    tf.dispose([x, g, frozen, w, out, raw]);
  });

  test("nonTrainable descends into custom records through their children only", () => {
    const x = tf.scalar(2);
    const out = nonTrainable({ c: Clip(x, 0, 1) }, { registry });
    expect(out.c._tag).toBe("Clip");
    expect(out.c.value).toEqual(NonTrainable(x));
    expect(out.c.lo).toBe(0);
    x.dispose();
  });

  test("the tree functions see declared children only; other fields are static structure", () => {
    const x = tf.tensor1d([1, 2]);
    const clip = Clip(x, 0, 1);
    expect(treeLeaves(clip, { registry })).toEqual([x]);
    const [, def] = treeFlatten(clip, { registry });
    expect(def.numLeaves).toBe(1);
    expect(def.equals(treeStructure(Clip(x, 0, 1), { registry }))).toBe(true);
    expect(def.equals(treeStructure(Clip(x, 0, 2), { registry }))).toBe(false);
    // Mapping over leaves keeps the record's tag and static fields and its frozenness.
    const doubled = treeMap((t: tf.Tensor) => tf.mul(t, 2), clip, { registry }) as unknown as Clip;
    expect(doubled).toMatchObject({ _tag: "Clip", lo: 0, hi: 1 });
    expect(Object.isFrozen(doubled)).toBe(true);
    expect(values(doubled.value as tf.Tensor)).toEqual([2, 4]);
    // Unknown to the default registry: an ordinary object, every field a leaf or node.
    expect(treeLeaves(clip)).toEqual(["Clip", 1, 0, x]);
    tf.dispose([x, doubled.value as tf.Tensor]);
  });

  test("an unknown tag is an ordinary object: unwrap leaves it, but unwraps wrappers in its fields", () => {
    const x = tf.scalar(5);
    const clip = Clip(x, 0, 1);
    expect(unwrap(clip)).toBe(clip);
    // Typed as unknown: the static type (Clip) would claim that unwrap returns a tensor here.
    const tree: unknown = { c: Clip(Parameterize(tf.neg, x), 0, 1) };
    const c = (unwrap(tree) as { c: Record<string, unknown> }).c;
    expect(c["_tag"]).toBe("Clip");
    expect(values(c["value"] as tf.Tensor)).toEqual([-5]);
    tf.dispose([x, c["value"] as tf.Tensor]);
  });

  test("a failing custom unwrap is reported with its tag and path", () => {
    const failing = registerWrapper(defaultRegistry, {
      tag: "Fails",
      children: ["value"],
      unwrap: () => {
        throw new Error("no");
      },
    });
    const x = tf.scalar(1);
    let caught: unknown;
    try {
      unwrap(
        {
          layers: [Parameterize(tf.exp, { _tag: "Fails", value: Parameterize(tf.exp, x) })],
        },
        { registry: failing },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnwrapError);
    expect((caught as UnwrapError).message).toBe("unwrap: Fails at .layers[0].args[0] failed: no");
    expect((caught as UnwrapError).tag).toBe("Fails");
    x.dispose();
  });
});

describe("IncreasingOnInterval (paramax's RealToIncreasingOnInterval)", () => {
  test("zeros give evenly spaced points; each endpoints option gives d + 1, d, d or d - 1 points", () => {
    const arr = tf.zeros([4]);
    const get = (includeEndpoints: "both" | "neither" | "lower" | "upper") => {
      const out = unwrapCustom(IncreasingOnInterval(arr, [-1, 3], { minWidth: 0.1, includeEndpoints }));
      const v = values(out);
      out.dispose();
      return v;
    };
    expect(get("both")).toEqual([-1, 0, 1, 2, 3]);
    expect(get("lower")).toEqual([-1, 0, 1, 2]);
    expect(get("upper")).toEqual([0, 1, 2, 3]);
    expect(get("neither")).toEqual([0, 1, 2]);
    arr.dispose();
  });

  test("hand-computed widths: minWidth + free * softmax(arr)", () => {
    const a = [0, Math.log(2), Math.log(5)];
    const arr = tf.tensor1d(a);
    const out = unwrapCustom(IncreasingOnInterval(arr, [0, 1], { minWidth: 0.1, includeEndpoints: "both" }));
    // softmax = [1, 2, 5] / 8; free = 1 - 0.3 = 0.7; widths = [0.1875, 0.275, 0.5375]
    const widths = [1, 2, 5].map((s) => 0.1 + 0.7 * (s / 8));
    const expected = [0, widths[0] as number, (widths[0] as number) + (widths[1] as number), 1];
    values(out).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 6));
    tf.dispose([arr, out]);
  });

  test("batched: leading axes are kept, each row as if alone", () => {
    const rows = [
      [0, 1, 2],
      [3, -1, 0.5],
    ];
    const arr = tf.tensor2d(rows);
    const out = unwrapCustom(IncreasingOnInterval(arr, [0, 1], { minWidth: 0.05, includeEndpoints: "both" }));
    expect(out.shape).toEqual([2, 4]);
    rows.forEach((r, i) => {
      const single = tf.tensor1d(r);
      const one = unwrapCustom(
        IncreasingOnInterval(single, [0, 1], { minWidth: 0.05, includeEndpoints: "both" }),
      );
      values(one).forEach((v, j) => expect((out.arraySync() as number[][])[i]?.[j]).toBeCloseTo(v, 6));
      tf.dispose([single, one]);
    });
    tf.dispose([arr, out]);
  });

  test("construction checks, as paramax's", () => {
    const arr = tf.zeros([4]);
    expect(() => IncreasingOnInterval(arr, [0, 1], { minWidth: 0, includeEndpoints: "both" })).toThrow(
      "minWidth must be > 0",
    );
    expect(() => IncreasingOnInterval(arr, [1, 1], { minWidth: 0.1, includeEndpoints: "both" })).toThrow(
      "interval[1] > interval[0]",
    );
    expect(() => IncreasingOnInterval(arr, [0, 1], { minWidth: 0.3, includeEndpoints: "both" })).toThrow(
      "does not fit",
    );
    arr.dispose();
    expect(increasingSpec.children).toEqual(["arr"]);
  });
});

test("examples/customWrapper.ts (quick): fits while staying valid, frozen part untouched, no leaks", async () => {
  const r = await main({ quick: true });
  expect(r.backend).toBe("wasm");
  expect(r.steps).toBe(40);
  expect(r.leaves).toBe(3); // arr, logGain, offset: no registry needed
  expect(r.loadedKnots).toEqual(r.knots);
  expect(r.loadWithoutSpecsFails).toBe(true);
  expect(r.gain).toBe(2);
  expect(r.initialKnots.map((v) => Number(v.toFixed(6)))).toEqual([0, 0.25, 0.5, 0.75, 1]);
  expect(r.alwaysValid).toBe(true);
  expect(r.finalLoss).toBeLessThan(r.initialLoss / 4);
  expect(r.frozenGrad).toBe(0);
  expect(r.leaked).toBe(0);
});
