/**
 * `Parameterize(fn, ...args)`: the record, its refinement, its unwrap, values and gradients.
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeLeaves } from "../src";
import { registerWrapper } from "../src";
import { emptyRegistry } from "../src/advanced";
import { Parameterize, isParameterize, unwrap } from "../src";
import { parameterizeSpec, unwrapParameterize } from "../src/advanced";
import { finiteDifferences } from "./support/gradients";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const square = (x: number) => x * x;

describe("the record", () => {
  test("is a frozen { _tag, fn, args } with frozen args and nothing computed", () => {
    let calls = 0;
    const fn = (a: number, b: string) => {
      calls++;
      return `${a}${b}`;
    };
    const p = Parameterize(fn, 1, "x");
    expect(p).toEqual({ _tag: "Parameterize", fn, args: [1, "x"] });
    expect(Object.keys(p)).toEqual(["_tag", "fn", "args"]);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.args)).toBe(true);
    expect(calls).toBe(0);
    expect(unwrap(p)).toBe("1x");
    expect(calls).toBe(1);
  });

  test("no args is fine; fn must be a function", () => {
    expect(unwrap(Parameterize(() => 42))).toBe(42);
    expect(() => Parameterize(3 as never)).toThrow("Parameterize: fn must be a function, got number 3");
    expect(() => Parameterize(null as never, 1)).toThrow("Parameterize: fn must be a function, got null");
  });

  test("isParameterize accepts the records only", () => {
    expect(isParameterize(Parameterize(square, 1))).toBe(true);
    expect(isParameterize({ _tag: "Parameterize", fn: square, args: [] })).toBe(true);
    expect(isParameterize({ _tag: "Parameterize", fn: square })).toBe(false);
    expect(isParameterize({ _tag: "Parameterize", fn: 1, args: [] })).toBe(false);
    expect(isParameterize({ _tag: "NonTrainable", tree: 1 })).toBe(false);
    class Lookalike {
      _tag = "Parameterize";
      fn = square;
      args = [];
    }
    expect(isParameterize(new Lookalike())).toBe(false);
    expect(isParameterize(null)).toBe(false);
    expect(isParameterize("Parameterize")).toBe(false);
  });

  test("args are children, fn is static", () => {
    const x = tf.scalar(1);
    const p = Parameterize((a: unknown, b: unknown) => [a, b], x, { y: 2, z: [3] });
    expect(treeLeaves(p)).toEqual([x, 2, 3]);
    x.dispose();
  });
});

describe("unwrap", () => {
  test("nested squares: ((2²)²)² = 256", () => {
    expect(unwrap(Parameterize(square, Parameterize(square, Parameterize(square, 2))))).toBe(256);
  });

  test("Parameterize(tf.exp, zeros(3)) unwraps to [1, 1, 1]", () => {
    const z = tf.zeros([3]);
    const out = unwrap(Parameterize(tf.exp, z));
    expect(out.shape).toEqual([3]);
    expect(Array.from(out.dataSync())).toEqual([1, 1, 1]);
    tf.dispose([z, out]);
  });

  test("args may hold tensors, numbers, objects and other wrappers, all unwrapped before fn runs", () => {
    const x = tf.tensor1d([0, 1, 2]);
    const combine = (a: tf.Tensor, opts: { scale: number; shift: tf.Tensor }) =>
      tf.add(tf.mul(a, opts.scale), opts.shift);
    const p = Parameterize(combine, Parameterize(tf.exp, x), { scale: Parameterize(square, 3), shift: x });
    const out = unwrap(p);
    const expected = [0, 1, 2].map((v) => 9 * Math.exp(v) + v);
    Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
    tf.dispose([x, out]);
  });

  test("unwrapParameterize and parameterizeSpec assume already-unwrapped args", () => {
    const inner = Parameterize(square, 3);
    expect(unwrapParameterize(Parameterize((v: unknown) => v, inner))).toBe(inner);
    expect(unwrapParameterize(Parameterize(Math.max, 1, 5))).toBe(5);
    expect(() => unwrapParameterize({ _tag: "Parameterize", fn: square, args: 3 } as never)).toThrow(
      "Parameterize.args must be an array, got number 3",
    );
    const onlyParameterize = registerWrapper(emptyRegistry, parameterizeSpec);
    expect(
      unwrap([Parameterize(Math.abs, Parameterize(Math.min, -2, -1))], { registry: onlyParameterize }),
    ).toEqual([2]);
  });
});

describe("gradients", () => {
  test("through Parameterize(tf.exp, x): exp(x), matching finite differences", () => {
    const x = tf.tensor1d([-1, 0, 0.5, 2]);
    const loss = (v: tf.Tensor) => tf.sum(tf.square(unwrap(Parameterize(tf.exp, v))));
    const g = tf.grad(loss)(x);
    const analytic = [-1, 0, 0.5, 2].map((v) => 2 * Math.exp(2 * v));
    const numeric = finiteDifferences(loss, x, 1e-3);
    Array.from(g.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(analytic[i] as number, 3);
      expect(Math.abs(v - (numeric[i] as number))).toBeLessThan(2e-2 * Math.max(1, Math.abs(v)));
    });
    tf.dispose([x, g]);
  });

  test("through nested wrappers and several args", () => {
    const a = tf.tensor1d([0.3, -0.2]);
    const b = tf.tensor1d([1.5, 2.0]);
    const model = (u: tf.Tensor, v: tf.Tensor) =>
      Parameterize(tf.mul, Parameterize(tf.softplus, u), Parameterize(tf.sin, Parameterize(tf.exp, v)));
    const loss = (u: tf.Tensor, v: tf.Tensor) => tf.sum(unwrap(model(u, v)));
    const [ga, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => loss(u, v))([a, b]) as [tf.Tensor, tf.Tensor];
    // d/du softplus(u) sin(e^v) = sigmoid(u) sin(e^v); d/dv = softplus(u) cos(e^v) e^v
    const sig = (u: number) => 1 / (1 + Math.exp(-u));
    const sp = (u: number) => Math.log1p(Math.exp(u));
    const av = [0.3, -0.2];
    const bv = [1.5, 2.0];
    Array.from(ga.dataSync()).forEach((g, i) =>
      expect(g).toBeCloseTo(sig(av[i] as number) * Math.sin(Math.exp(bv[i] as number)), 4),
    );
    Array.from(gb.dataSync()).forEach((g, i) =>
      expect(g).toBeCloseTo(
        sp(av[i] as number) * Math.cos(Math.exp(bv[i] as number)) * Math.exp(bv[i] as number),
        3,
      ),
    );
    const numericA = finiteDifferences((u) => loss(u, b), a, 1e-3);
    Array.from(ga.dataSync()).forEach((g, i) =>
      expect(Math.abs(g - (numericA[i] as number))).toBeLessThan(1e-2),
    );
    tf.dispose([a, b, ga, gb]);
  });
});

test("isParameterize never runs a getter `_tag` (an accessor is no tag)", () => {
  let calls = 0;
  const sneaky = Object.defineProperty({ fn: Math.exp, args: [1] }, "_tag", {
    get: () => {
      calls++;
      return "Parameterize";
    },
    enumerable: true,
  });
  expect(isParameterize(sneaky)).toBe(false);
  expect(calls).toBe(0);
});
