import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { initBackend } from "../src";
import { unwrapEither } from "../src";

import { keystr } from "../src";
import { registerWrapper } from "../src";
import { defaultRegistry } from "../src";
import { invSoftplus } from "../src";
import { NonTrainable } from "../src";
import { Parameterize } from "../src";
import { WeightNormalization } from "../src";
import { UnwrapError } from "../src";

beforeAll(async () => {
  await initBackend();
});

/** Runs `body` and checks that it leaves the number of live tensors unchanged. */
function noLeak(body: () => void): void {
  const before = tf.memory().numTensors;
  body();
  expect(tf.memory().numTensors).toBe(before);
}

/** The Left of `result`, failing the test when it is a Right (and disposing its tensors). */
function leftOf<A>(result: E.Either<UnwrapError, A>): UnwrapError {
  if (E.isRight(result)) {
    tf.dispose(result.right as unknown as tf.TensorContainer);
    throw new Error("expected a Left");
  }
  return result.left;
}

describe("unwrapEither: Right", () => {
  test("unwraps like unwrap, values checked by hand", () => {
    noLeak(() => {
      const raw = tf.tensor1d([0, 1]);
      const frozen = tf.tensor1d([5]);
      const model = { scale: Parameterize(tf.softplus, raw), frozen: NonTrainable(frozen), lr: 0.1 };
      const result = unwrapEither(model);
      expect(E.isRight(result)).toBe(true);
      if (E.isRight(result)) {
        const {
          scale,
          frozen: f,
          lr,
        } = result.right as unknown as { scale: tf.Tensor; frozen: tf.Tensor; lr: number };
        const s = scale.dataSync();
        expect(s[0]).toBeCloseTo(Math.log(2), 5); // softplus(0) = log 2
        expect(s[1]).toBeCloseTo(Math.log(1 + Math.E), 5);
        expect(Array.from(f.dataSync())).toEqual([5]);
        expect(lr).toBe(0.1);
        tf.dispose([scale, f]);
      }
      tf.dispose([raw, frozen]);
    });
  });

  test("a tree without wrappers comes back as the same object", () => {
    const tree = { a: [1, 2], b: "x" };
    expect(unwrapEither(tree)).toEqual(E.right(tree));
    expect(E.isRight(unwrapEither(tree)) && (unwrapEither(tree) as E.Right<unknown>).right).toBe(tree);
  });
});

describe("unwrapEither: Left names the wrapper's key path, tag and cause; nothing leaks", () => {
  test("invSoftplus of a negative value inside Parameterize", () => {
    noLeak(() => {
      const negative = tf.scalar(-2);
      const model = { layers: [{ w: tf.ones([2]) }, { scale: Parameterize(invSoftplus, negative) }] };
      const e = leftOf(unwrapEither(model));
      expect(e).toBeInstanceOf(UnwrapError);
      expect(e.tag).toBe("Parameterize");
      expect(e.path).toEqual(["layers", 1, "scale"]);
      expect(e.cause).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(
        /^unwrap: Parameterize at \.layers\[1\]\.scale failed: invSoftplus: expected non-negative/,
      );
      tf.dispose([negative, model.layers[0]?.w]);
    });
  });

  test("a shape error inside an outer Parameterize, after an inner one has made tensors", () => {
    noLeak(() => {
      const a = tf.ones([2, 3]);
      const b = tf.ones([2, 2]);
      // The inner exp runs (and allocates) first; the outer matMul then fails on the shapes.
      const bad = Parameterize(
        (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D),
        Parameterize(tf.exp, a),
        b,
      );
      const e = leftOf(unwrapEither({ head: { bad } }));
      expect(e.path).toEqual(["head", "bad"]);
      expect(keystr(e.path)).toBe(".head.bad");
      expect(e.tag).toBe("Parameterize");
      expect(String(e.cause)).toMatch(/inner|shape|match/i);
      tf.dispose([a, b]);
    });
  });

  test("WeightNormalization with a scale of the wrong shape reports the WeightNormalization node", () => {
    noLeak(() => {
      const wn = WeightNormalization(tf.ones<tf.Rank.R2>([2, 3]));
      const wrongScale = tf.ones([5, 1]);
      const broken = { ...wn, scale: wrongScale };
      const e = leftOf(unwrapEither({ encoder: [broken] }));
      expect(e.tag).toBe("WeightNormalization");
      expect(e.path).toEqual(["encoder", 0]);
      // the original scale is a Parameterize(softplus, raw): dispose its raw tensor too
      tf.dispose([
        wn.weight as tf.Tensor,
        wrongScale,
        ...(wn.scale as unknown as { args: tf.Tensor[] }).args,
      ]);
    });
  });

  test("a failing Parameterize inside NonTrainable reports its own path", () => {
    noLeak(() => {
      const x = tf.scalar(-1);
      const e = leftOf(unwrapEither({ frozen: NonTrainable({ p: Parameterize(invSoftplus, x) }) }));
      expect(e.path).toEqual(["frozen", "tree", "p"]);
      expect(e.tag).toBe("Parameterize");
      x.dispose();
    });
  });

  test("a custom tag's unwrap failing, with ((t: unknown) => unwrapEither(t, { registry }))", () => {
    const registry = registerWrapper(defaultRegistry, {
      tag: "Positive",
      children: ["value"],
      unwrap: ({ value }: { value: tf.Tensor }) =>
        tf.tidy(() => {
          const min = tf.min(value).dataSync()[0] as number;
          if (min <= 0) throw new RangeError(`expected positive values, the smallest is ${min}`);
          return tf.log(value);
        }),
    });
    noLeak(() => {
      const v = tf.tensor1d([3, -4]);
      const ok = tf.tensor1d([Math.E]);
      const tree = [
        { _tag: "Positive", value: ok },
        { deep: { _tag: "Positive", value: Parameterize(tf.mul, v, 2) } },
      ];
      const e = leftOf(unwrapEither(tree, { registry }));
      expect(e.tag).toBe("Positive");
      expect(e.path).toEqual([1, "deep"]);
      expect(e.message).toBe(
        "unwrap: Positive at [1].deep failed: expected positive values, the smallest is -8",
      );
      tf.dispose([v, ok]);
    });
  });

  test("in a pipe: E.match renders the failure without an exception escaping", () => {
    noLeak(() => {
      const x = tf.scalar(-1);
      const text = pipe(
        unwrapEither({ s: Parameterize(invSoftplus, x) }),
        E.match(
          (e) => `${keystr(e.path)} (${e.tag})`,
          () => "ok",
        ),
      );
      expect(text).toBe(".s (Parameterize)");
      x.dispose();
    });
  });

  test("a cyclic tree is a bug, not a wrapper failure: it still throws", () => {
    const a: Record<string, unknown> = {};
    let node = a;
    for (let i = 0; i < 2000; i++) {
      const next: Record<string, unknown> = {};
      node["x"] = next;
      node = next;
    }
    node["x"] = a;
    expect(() => unwrapEither(a)).toThrow(/cyclic/);
  });
});
