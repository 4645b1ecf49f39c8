/**
 * Constraint constructors (`positive`, `bounded`): the value you mean comes back, training keeps
 * it inside, gradients match finite differences, `treeAssign`, the codec and files round-trip it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import fc from "fast-check";
import {
  bounded,
  isParameterize,
  loadTree,
  positive,
  saveTree,
  scaledSigmoid,
  stringifyTree,
  parseTree,
  treeAssign,
  treeLeaves,
  treeOptimizer,
  unwrap,
  type Parameterize,
} from "../src";
import { finiteDifferences } from "./support/gradients";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks("wasm", { disposeVariables: true });

type Tree = Parameters<typeof saveTree>[1];

const dispose = (tree: unknown): void =>
  tf.dispose(treeLeaves(tree).filter((x) => x instanceof tf.Tensor) as tf.Tensor[]);

/** float32 rounding of a value that went through a transform and back (a few ulps, relative). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    expect(Math.abs(a - e)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(e)));
  }
}

/** A shape with 0 to 2 leading batch axes and a last axis. */
const shapes = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 });
const sized = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const constructors = [
  {
    name: "positive",
    make: (v: tf.TensorLike | tf.Tensor) => positive(v),
    valid: (n: number) =>
      fc.array(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), { minLength: n, maxLength: n }),
    inside: (x: number) => x > 0,
    // pushes towards -infinity
    push: (x: tf.Tensor) => tf.sum(x),
    rel: 2e-5,
  },
  {
    name: "bounded(-2, 3)",
    make: (v: tf.TensorLike | tf.Tensor) => bounded(v, -2, 3),
    valid: (n: number) =>
      fc.array(fc.double({ min: -1.99, max: 2.99, noNaN: true }), { minLength: n, maxLength: n }),
    inside: (x: number) => x > -2 && x < 3,
    push: (x: tf.Tensor) => tf.neg(tf.sum(x)),
    rel: 1e-4,
  },
];

describe.each(constructors)("$name", ({ make, valid, inside, push, rel }) => {
  test("property: unwrap(constructor(v)) is v within float32 rounding, with batch axes", () => {
    fc.assert(
      fc.property(
        shapes.chain((shape) => fc.tuple(fc.constant(shape), valid(sized(shape)))),
        ([shape, data]) => {
          const v = tf.tensor(data, shape);
          const w = make(v);
          const out = unwrap(w) as tf.Tensor;
          try {
            expect(out.shape).toEqual(shape);
            expectClose(out.dataSync(), Float32Array.from(data), rel);
          } finally {
            tf.dispose([v, out]);
            dispose(w);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  test("stays inside its constraint after 200 Adam steps pushing it outside", () => {
    const w = make([
      [0.5, 1],
      [1.5, 2],
    ]);
    const opt = treeOptimizer({ w }, tf.train.adam(0.5));
    for (let i = 0; i < 200; i++) opt.step((p) => push(unwrap(p).w as tf.Tensor));
    const out = tf.tidy(() => Array.from((unwrap(opt.params).w as tf.Tensor).dataSync()));
    expect(out.every(inside)).toBe(true);
    expect(opt.steps).toBe(200);
    opt.dispose();
    dispose(w);
  });

  test("the gradient with respect to the raw leaf matches finite differences", () => {
    const w = make([0.5, 1.25, 2]) as Parameterize;
    const raw = w.args[0] as tf.Tensor;
    const rest = w.args.slice(1);
    const loss = (r: tf.Tensor) =>
      tf.sum(tf.square(unwrap({ ...w, args: [r, ...rest] } as unknown as Parameterize) as tf.Tensor));
    const g = tf.grad(loss)(raw);
    const expected = finiteDifferences(loss, raw, 1e-2);
    expectClose(g.dataSync(), expected, 2e-2);
    tf.dispose(g);
    dispose(w);
  });

  test("treeAssign sets it to a new value and keeps the wrapper", () => {
    const model = { w: make([1, 2]) };
    const set = treeAssign((m) => m.w, model, [0.75, 2.5]);
    expect(isParameterize(set.w)).toBe(true);
    const out = unwrap(set).w as tf.Tensor;
    expectClose(out.dataSync(), [0.75, 2.5], rel);
    tf.dispose(out);
    tf.dispose(set.w.args[0] as tf.Tensor);
    dispose(model);
  });

  test("round-trips through the codec and through saveTree/loadTree", async () => {
    const model = { w: make([[0.5, 1.5]]), name: "m" };
    const expected = tf.tidy(() => Array.from((unwrap(model).w as tf.Tensor).dataSync()));

    const parsed = parseTree(stringifyTree(model as unknown as Tree));
    if (E.isLeft(parsed)) throw new Error("parseTree failed");
    const fromText = parsed.right as unknown as typeof model;
    expect(isParameterize(fromText.w)).toBe(true);
    expect(fromText.w.fn).toBe(model.w.fn);
    expectClose(
      tf.tidy(() => (unwrap(fromText).w as tf.Tensor).dataSync()),
      expected,
      0,
    );
    dispose(fromText);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-constraints-"));
    try {
      const file = path.join(dir, "model.json");
      await saveTree(file, model as unknown as Tree);
      const loaded = await loadTree(file);
      if (E.isLeft(loaded)) throw new Error("loadTree failed");
      const back = loaded.right as unknown as typeof model;
      expect(back.w.args.slice(1)).toEqual(model.w.args.slice(1));
      expectClose(
        tf.tidy(() => (unwrap(back).w as tf.Tensor).dataSync()),
        expected,
        0,
      );
      dispose(back);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      dispose(model);
    }
  });
});

describe("refusals", () => {
  test("positive names the element and why", () => {
    expect(() =>
      positive([
        [1, 2],
        [3, -4],
      ]),
    ).toThrow(
      "positive: 1 element is not positive (softplus only takes positive values); the first is -4 at index [1, 1]",
    );
    expect(() => positive([0, -1, 2])).toThrow(
      "positive: 2 elements are not positive (softplus only takes positive values); the first is 0 at index [0]",
    );
    expect(() => positive([NaN])).toThrow("positive: 1 element is not positive");
    const text = tf.tensor(["a"]);
    expect(() => positive(text as never)).toThrow(
      "positive: expected a real-valued input, got a string tensor",
    );
    text.dispose();
  });

  test("bounded names the element and why, and checks lo < hi", () => {
    expect(() => bounded([0.5, 1, 0.25], 0, 1)).toThrow(
      "bounded: 1 element is outside (0, 1); the first is 1 at index [1]",
    );
    expect(() => bounded(0.5, 1, 1)).toThrow("bounded: expected finite numbers lo < hi, got lo = 1, hi = 1");
    expect(() => bounded(0.5, 0, Infinity)).toThrow(
      "bounded: expected finite numbers lo < hi, got lo = 0, hi = Infinity",
    );
  });

  test("treeAssign refuses a value outside the interval, naming the path", () => {
    const model = { rate: bounded(0.5, 0, 1) };
    expect(() => treeAssign((m) => m.rate, model, [0.5, 2])).toThrow(
      "treeAssign: cannot set the node at .rate: scaledLogit: 1 element is outside (0, 1); the first is 2 at index [1]",
    );
    dispose(model);
  });

  test("lo and hi are static numbers, not trainable leaves", () => {
    const b = bounded([0.1], -1, 1);
    expect(b.fn).toBe(scaledSigmoid);
    expect(b.args.slice(1)).toEqual([-1, 1]);
    expect(treeLeaves(b).filter((x) => x instanceof tf.Tensor)).toHaveLength(1);
    dispose(b);
  });
});
