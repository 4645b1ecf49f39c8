/**
 * `NonTrainable(tree)` and `nonTrainable(tree)`: values pass through, gradients are exactly zero,
 * only float tensors are touched, and nonTrainable wraps leaves without wrapping twice.
 */
import * as tf from "@tensorflow/tfjs-core";
import { registerWrapper } from "../src";
import { emptyRegistry } from "../src/advanced";
import { NonTrainable, Parameterize, defaultRegistry, isNonTrainable, nonTrainable, unwrap } from "../src";
import { nonTrainableSpec, unwrapNonTrainable } from "../src/advanced";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

describe("NonTrainable", () => {
  test("is a frozen { _tag, tree } record; isNonTrainable recognises it", () => {
    const tree = { a: 1 };
    const n = NonTrainable(tree);
    expect(n).toEqual({ _tag: "NonTrainable", tree });
    expect(n.tree).toBe(tree);
    expect(Object.isFrozen(n)).toBe(true);
    expect(isNonTrainable(n)).toBe(true);
    expect(isNonTrainable({ _tag: "NonTrainable" })).toBe(false);
    expect(isNonTrainable({ _tag: "Parameterize", tree: 1 })).toBe(false);
    expect(isNonTrainable(tree)).toBe(false);
    expect(nonTrainableSpec.children).toEqual(["tree"]);
  });

  test("unwraps to the same values; float tensors become new tensors, everything else is kept", () => {
    const w = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const steps = tf.tensor1d([1, 2], "int32");
    const mask = tf.tensor1d([1, 0], "bool");
    const fn = () => 1;
    const tree = { w, steps, mask, n: 2.5, s: "name", fn, none: null, nested: [{ w }] };
    const out = unwrap(NonTrainable(tree));
    expect(out.w).not.toBe(w);
    expect(out.w.shape).toEqual([2, 2]);
    expect(out.w.dtype).toBe("float32");
    expect(out.w.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(out.nested[0]?.w.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(out.steps).toBe(steps);
    expect(out.mask).toBe(mask);
    expect(out.n).toBe(2.5);
    expect(out.s).toBe("name");
    expect(out.fn).toBe(fn);
    expect(out.none).toBeNull();
    // The input keeps its own tensors and is not changed.
    expect(tree.w).toBe(w);
    tf.dispose([w, steps, mask, out.w, out.nested[0]?.w]);
  });

  test("a tree without float tensors comes back as the same object", () => {
    const steps = tf.tensor1d([1, 2], "int32");
    const tree = { steps, k: [1, 2, "x"] };
    expect(unwrap(NonTrainable(tree))).toBe(tree);
    expect(unwrapNonTrainable(NonTrainable(tree))).toBe(tree);
    steps.dispose();
  });

  test("the gradient through it is exactly zero", () => {
    const x = tf.tensor1d([0.5, -1.5, 2]);
    // f(x) = sum(x * frozen(x)^2): the frozen factor is a constant, so df/dx = frozen(x)^2 = x^2
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, tf.square(unwrap(NonTrainable(v))))))(x);
    expect(Array.from(g.dataSync())).toEqual([0.25, 2.25, 4]);
    // Only through the wrapper: exactly 0, not a small number.
    const only = tf.grad((v: tf.Tensor) => tf.sum(tf.exp(unwrap(NonTrainable({ v })).v)))(x);
    expect(Array.from(only.dataSync())).toEqual([0, 0, 0]);
    tf.dispose([x, g, only]);
  });

  test("wrappers inside are unwrapped first, and their gradients stopped too", () => {
    const x = tf.tensor1d([0, 1]);
    const frozen = (v: tf.Tensor) => NonTrainable({ e: Parameterize(tf.exp, v), k: 3 });
    const out = unwrap(frozen(x));
    expect(Array.from(out.e.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([
      1,
      Number(Math.E.toFixed(5)),
    ]);
    expect(out.k).toBe(3);
    // d/dv [sum(frozen(exp(v))) + sum(v)] = 0 + 1
    const g = tf.grad((v: tf.Tensor) => tf.add(tf.sum(unwrap(frozen(v)).e), tf.sum(v)))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1]);
    tf.dispose([x, out.e, g]);
  });

  test("nested NonTrainable and NonTrainable around other wrappers", () => {
    const x = tf.scalar(2);
    const g = tf.grad((v: tf.Tensor) => unwrap(NonTrainable(NonTrainable(Parameterize(tf.square, v)))))(x);
    expect(g.dataSync()[0]).toBe(0);
    tf.dispose([x, g]);
  });

  test("works with a custom registry whose records appear inside", () => {
    const registry = registerWrapper(defaultRegistry, {
      tag: "Double",
      children: ["value"],
      unwrap: (node: { value: tf.Tensor }) => tf.mul(node.value, 2),
    });
    const x = tf.scalar(3);
    const g = tf.grad((v: tf.Tensor) =>
      tf.add(unwrap(NonTrainable({ _tag: "Double", value: v }) as unknown, { registry }) as tf.Tensor, v),
    )(x);
    expect(g.dataSync()[0]).toBe(1);
    tf.dispose([x, g]);
  });
});

describe("nonTrainable", () => {
  test("wraps float tensor leaves only", () => {
    const w = tf.ones([2]);
    const steps = tf.scalar(3, "int32");
    const mask = tf.tensor1d([true, false], "bool");
    const fn = (x: number) => x;
    const tree = { w, steps, mask, n: 1, s: "x", fn, none: null };
    const out = nonTrainable(tree);
    expect(isNonTrainable(out.w)).toBe(true);
    expect((out.w as NonTrainable<tf.Tensor>).tree).toBe(w);
    expect(out.steps).toBe(steps);
    expect(out.mask).toBe(mask);
    expect(out.n).toBe(1);
    expect(out.s).toBe("x");
    expect(out.fn).toBe(fn);
    expect(out.none).toBeNull();
    expect(tree.w).toBe(w); // input untouched
    tf.dispose([w, steps, mask]);
  });

  test("does not wrap twice, and descends into other wrappers", () => {
    const w = tf.ones([2]);
    const already = NonTrainable(w);
    const once = nonTrainable({ a: already, b: [w] });
    expect(once.a).toBe(already);
    expect(isNonTrainable(once.b[0])).toBe(true);
    const twice = nonTrainable(once);
    expect(twice).toBe(once); // nothing left to wrap: the same object back
    expect(nonTrainable(nonTrainable(w))).toEqual(NonTrainable(w));

    const p = nonTrainable(Parameterize(tf.exp, w));
    expect(p).toEqual(Parameterize(tf.exp, NonTrainable(w)));
    expect(p.fn).toBe(tf.exp);
    expect(Object.isFrozen(p)).toBe(true);
    w.dispose();
  });

  test("leaves trees without float tensors untouched (the same objects)", () => {
    const tree = { a: [1, 2], b: { c: "s" } };
    expect(nonTrainable(tree)).toBe(tree);
  });

  test("with emptyRegistry, records are ordinary objects and all their fields are searched", () => {
    const w = tf.ones([2]);
    const p = Parameterize(tf.exp, w);
    const out = nonTrainable(p, { registry: emptyRegistry }) as unknown as Record<string, unknown>;
    expect(isNonTrainable((out["args"] as unknown[])[0])).toBe(true);
    w.dispose();
  });

  test("unwrap(nonTrainable(t)) has t's values and zero gradients", () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([3, 4]);
    const loss = (u: tf.Tensor, v: tf.Tensor) => {
      const model = unwrap({ frozen: nonTrainable({ u }), free: v });
      return tf.sum(tf.mul(model.frozen.u, model.free));
    };
    const [ga, gb] = tf.grads(loss)([a, b]) as [tf.Tensor, tf.Tensor];
    expect(Array.from(ga.dataSync())).toEqual([0, 0]);
    expect(Array.from(gb.dataSync())).toEqual([1, 2]);
    tf.dispose([a, b, ga, gb]);
  });
});
