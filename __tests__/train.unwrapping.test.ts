import * as tf from "@tensorflow/tfjs-core";
import {
  NonTrainable,
  Parameterize,
  WeightNormalization,
  defaultRegistry,
  disposeTree,
  initBackend,
  registerWrapper,
  unwrapping,
  valueAndGrad,
  type Unwrappable,
  type Unwrapped,
} from "../src";
import { finiteDifferences } from "./support/gradients";

beforeAll(async () => {
  await initBackend();
});

/** Central differences of a float64 JS function at x (the independent reference). */
function centralDiff(f: (x: number[]) => number, x: readonly number[], eps = 1e-4): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i] = (up[i] as number) + eps;
    down[i] = (down[i] as number) - eps;
    return (f(up) - f(down)) / (2 * eps);
  });
}

function expectClose(got: ArrayLike<number>, want: readonly number[], rtol = 1e-3, atol = 1e-4): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      throw new Error(`element ${i}: got ${g}, want ${w} (got [${Array.from(got).join(", ")}])`);
    }
  }
}

const softplus = (v: number): number => Math.log1p(Math.exp(v));

describe("unwrapping: memory", () => {
  test("only the result tensor survives; the model and the other arguments are untouched", () => {
    const model = { scale: Parameterize(tf.exp, tf.scalar(0.5)), shift: tf.tensor1d([1, 2]) };
    const x = tf.tensor1d([3, 4]);
    const before = tf.memory().numTensors;
    const affine = unwrapping((p: Unwrapped<typeof model>, v: tf.Tensor) =>
      tf.add(tf.mul(p.scale, v), p.shift),
    );
    const y = affine(model, x);
    expect(tf.memory().numTensors - before).toBe(1);
    expectClose(y.dataSync(), [Math.exp(0.5) * 3 + 1, Math.exp(0.5) * 4 + 2]);
    expect(x.isDisposed).toBe(false);
    expect(model.shift.isDisposed).toBe(false);
    y.dispose();
    disposeTree([model, x]);
  });

  test("a tree of tensors survives whole, a model tensor in the result is not disposed", () => {
    const model = { a: Parameterize(tf.exp, tf.scalar(0)), b: tf.scalar(2) };
    const before = tf.memory().numTensors;
    const f = unwrapping((p: Unwrapped<typeof model>) => ({
      sum: tf.add(p.a, p.b),
      pair: [tf.mul(p.a, p.b), "label"] as const,
      own: p.b,
      n: 3,
    }));
    const out = f(model);
    expect(tf.memory().numTensors - before).toBe(2);
    expect(out.sum.dataSync()[0]).toBe(3);
    expect(out.pair[0].dataSync()[0]).toBe(2);
    expect(out.pair[1]).toBe("label");
    expect(out.own).toBe(model.b);
    expect(out.n).toBe(3);
    tf.dispose([out.sum, out.pair[0]]);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(model);
  });

  test("a scalar, string or null result leaves no tensor behind", () => {
    const model = { w: Parameterize(tf.softplus, tf.tensor1d([0, 1])) };
    const before = tf.memory().numTensors;
    expect(
      unwrapping((p: Unwrapped<typeof model>) => tf.sum(p.w).dataSync()[0] as number)(model),
    ).toBeCloseTo(softplus(0) + softplus(1), 5);
    expect(unwrapping((p: Unwrapped<typeof model>) => p.w.shape.join("x"))(model)).toBe("2");
    expect(unwrapping((_: Unwrapped<typeof model>) => null)(model)).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(model);
  });

  test("f's extra arguments are passed through in order", () => {
    const f = unwrapping((p: { k: number }, a: number, b: string) => `${p.k + a}${b}`);
    expect(f({ k: Parameterize((v: number) => v * 10, 2) }, 1, "!")).toBe("21!");
  });

  test("inside tf.tidy, the result belongs to the enclosing scope", () => {
    const model = { s: Parameterize(tf.exp, tf.scalar(1)) };
    const before = tf.memory().numTensors;
    const f = unwrapping((p: Unwrapped<typeof model>) => tf.square(p.s));
    const n = tf.tidy(() => {
      const y = f(model);
      expect(y.isDisposed).toBe(false);
      return y.dataSync()[0] as number;
    });
    expect(n).toBeCloseTo(Math.exp(2), 4);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(model);
  });

  test("when f throws, the error propagates and nothing leaks", () => {
    const model = { s: Parameterize(tf.exp, tf.scalar(1)) };
    const before = tf.memory().numTensors;
    const f = unwrapping((p: Unwrapped<typeof model>) => {
      tf.square(p.s);
      throw new Error("boom");
    });
    expect(() => f(model)).toThrow("boom");
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(model);
  });

  test("a wrapper that fails throws its UnwrapError, and nothing leaks", () => {
    const model = { s: Parameterize(() => tf.scalar(1).div(tf.tensor1d([1]).reshape([3])), 0) };
    const before = tf.memory().numTensors;
    expect(() => unwrapping((p: { s: tf.Tensor }) => p.s)(model)).toThrow(
      /^unwrap: Parameterize at \.s failed/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  test("an async f is refused (its tensors would outlive the scope)", () => {
    const model = { s: Parameterize(tf.exp, tf.scalar(1)) };
    const before = tf.memory().numTensors;
    const f = unwrapping(async (p: Unwrapped<typeof model>) => tf.square(p.s));
    expect(() => f(model)).toThrow("unwrapping: f returned a promise; f must be synchronous");
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(model);
  });

  test("f must be a function", () => {
    expect(() => unwrapping(3 as unknown as () => void)).toThrow("unwrapping: f must be a function, got");
  });

  test("a registry option unwraps custom wrappers", () => {
    interface Clip extends Unwrappable<"Clip", tf.Tensor> {
      readonly value: tf.Tensor;
      readonly hi: number;
    }
    const registry = registerWrapper(defaultRegistry, {
      tag: "Clip",
      children: ["value"],
      unwrap: (n: Clip) => tf.minimum(n.value, n.hi),
    });
    const clip: Clip = { _tag: "Clip", value: tf.tensor1d([0.5, 3]), hi: 1 };
    const before = tf.memory().numTensors;
    const y = unwrapping((p: { c: tf.Tensor }) => tf.mul(p.c, 2), { registry })({ c: clip });
    expect(Array.from(y.dataSync())).toEqual([1, 2]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    clip.value.dispose();
  });
});

describe("unwrapping: gradients", () => {
  test("valueAndGrad through unwrapping matches float64 central differences", () => {
    const before = tf.memory().numTensors;
    // loss(r, w) = sum((softplus(r) * (w · x) + c)^2) over the rows of x; c is NonTrainable.
    const xs = [
      [0.5, -1.5],
      [2, 0.25],
    ];
    const c = 0.3;
    const model = {
      scale: Parameterize(tf.softplus, tf.scalar(-0.4)),
      w: tf.tensor1d([0.7, -0.2]),
      offset: NonTrainable(tf.scalar(c)),
    };
    const x = tf.tensor2d(xs);
    const loss = unwrapping((p: Unwrapped<typeof model>, data: tf.Tensor2D) =>
      tf.sum(tf.square(tf.add(tf.mul(p.scale, tf.matMul(data, tf.reshape(p.w, [2, 1]))), p.offset))),
    );
    const reference = (v: number[]): number => {
      const [r, w0, w1, cc] = v as [number, number, number, number];
      return xs.reduce(
        (acc, [a, b]) => acc + (softplus(r) * ((a as number) * w0 + (b as number) * w1) + cc) ** 2,
        0,
      );
    };
    const { value, grads } = valueAndGrad((m: typeof model) => loss(m, x) as tf.Scalar)(model);
    const at = [-0.4, 0.7, -0.2, c];
    expect(value.dataSync()[0]).toBeCloseTo(reference(at), 4);
    const want = centralDiff(reference, at);
    expectClose(grads.scale.args[0].dataSync(), [want[0] as number]);
    expectClose(grads.w.dataSync(), [want[1] as number, want[2] as number]);
    // NonTrainable: exactly zero, though the loss depends on it.
    expect(want[3]).not.toBeCloseTo(0, 2);
    expect(Array.from((grads.offset.tree as tf.Tensor).dataSync())).toEqual([0]);
    disposeTree([value, grads, model, x]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("tf.grad through unwrapping reaches the leaf inside WeightNormalization (finite differences)", () => {
    const before = tf.memory().numTensors;
    const w0 = tf.tensor2d([
      [3, 4],
      [1, -2],
    ]);
    const target = tf.tensor2d([
      [0.5, 0.1],
      [-0.3, 0.9],
    ]);
    const loss = unwrapping((p: { w: tf.Tensor }, t: tf.Tensor) => tf.sum(tf.square(tf.sub(p.w, t))));
    // The scale of WeightNormalization is built from w0 once, and stays fixed while w moves.
    const wn = WeightNormalization(w0);
    const ofW = (w: tf.Tensor): tf.Tensor => loss({ w: { ...wn, weight: w } }, target);
    const analytic = tf.grad(ofW)(w0);
    const numeric = finiteDifferences(ofW, w0, 1e-2);
    expectClose(analytic.dataSync(), numeric, 2e-2, 2e-3);
    tf.dispose([analytic, target, w0]);
    disposeTree(wn.scale);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("unwrapping: types", () => {
  test("the model must unwrap to what f takes", () => {
    const model = { scale: Parameterize(tf.exp, tf.scalar(0)), n: 2 };
    const f = unwrapping((p: Unwrapped<typeof model>) => p.n);
    const plain = unwrapping((p: { scale: tf.Tensor; n: number }) => p.n);
    expect(f(model)).toBe(2);
    expect(plain(model)).toBe(2);
    // A tree without wrappers that already has the right types is accepted too.
    expect(plain({ scale: model.scale.args[0], n: 3 })).toBe(3);
    // @ts-expect-error: scale unwraps to a string, f takes a tensor
    expect(plain({ scale: Parameterize((v: number) => String(v), 1), n: 1 })).toBe(1);
    // @ts-expect-error: n is missing
    expect(() => plain({ scale: model.scale })).not.toThrow();
    const g = unwrapping((p: { x: number }, k: number) => p.x * k);
    // @ts-expect-error: the extra argument is a number
    expect(g({ x: 1 }, "2")).toBe(2);
    const doubled: number = g({ x: Parameterize((v: number) => v + 1, 1) }, 2);
    expect(doubled).toBe(4);
    model.scale.args[0].dispose();
  });
});
