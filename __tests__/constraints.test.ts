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
  increasingOnInterval,
  cholesky,
  lowerTriangular,
  simplex,
  isParameterize,
  loadTree,
  positive,
  saveTree,
  stringifyTree,
  parseTree,
  treeAssign,
  treeLeaves,
  treeOptimizer,
  unwrap,
  Parameterize,
} from "../src/index.node";
import { scaledSigmoid } from "../src/advanced.node";
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

/** Leading batch axes (0 to 2 of them). */
const batch = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 });
const sized = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const floats = (n: number, min: number, max: number) =>
  fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n });

interface Sample {
  readonly shape: number[];
  readonly data: number[];
}

/** Elementwise constraints: any shape with a last axis. */
const elementwise = (min: number, max: number): fc.Arbitrary<Sample> =>
  batch.chain((b) =>
    fc
      .integer({ min: 1, max: 4 })
      .chain((n) => floats(sized([...b, n]), min, max).map((data) => ({ shape: [...b, n], data }))),
  );

/** Rows of the simplex: positive entries, each row normalised. */
const simplexRows: fc.Arbitrary<Sample> = batch.chain((b) =>
  fc.integer({ min: 1, max: 4 }).chain((n) =>
    floats(sized([...b, n]), 0.05, 1).map((raw) => {
      const data = raw.slice();
      for (let r = 0; r < data.length; r += n) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += data[r + k] as number;
        for (let k = 0; k < n; k++) data[r + k] = (data[r + k] as number) / sum;
      }
      return { shape: [...b, n], data };
    }),
  ),
);

/** Square matrices: zero above the diagonal, the diagonal in [diagMin, 10]. */
const triangles = (diagMin: number): fc.Arbitrary<Sample> =>
  batch.chain((b) =>
    fc.integer({ min: 1, max: 4 }).chain((n) =>
      floats(sized([...b, n, n]), -10, 10).map((raw) => {
        const data = raw.map((x, i) => {
          const r = Math.floor(i / n) % n;
          const c = i % n;
          if (c > r) return 0;
          if (c === r) return Math.max(diagMin, Math.abs(x));
          return x;
        });
        return { shape: [...b, n, n], data };
      }),
    ),
  );

/** The entries above the diagonal of square matrices (last two axes, row-major). */
const upperEntries = (x: number[], n: number) => x.filter((_v, i) => i % n > Math.floor(i / n) % n);
const diagonalEntries = (x: number[], n: number) => x.filter((_v, i) => i % n === Math.floor(i / n) % n);
const rowSums = (x: number[], n: number) =>
  Array.from({ length: x.length / n }, (_v, r) => x.slice(r * n, r * n + n).reduce((a, b) => a + b, 0));

/** Rows strictly increasing inside (-1, 4): cumulative sums of positive gaps. */
const increasingRows: fc.Arbitrary<Sample> = batch.chain((b) =>
  fc.integer({ min: 1, max: 4 }).chain((n) =>
    floats(sized(b) * (n + 1), 0.05, 1).map((gaps) => {
      const data: number[] = [];
      for (let r = 0; r < sized(b); r++) {
        const row = gaps.slice(r * (n + 1), (r + 1) * (n + 1));
        const total = row.reduce((a, g) => a + g, 0);
        let acc = 0;
        for (let k = 0; k < n; k++) {
          acc += row[k] as number;
          data.push(-1 + (5 * acc) / total);
        }
      }
      return { shape: [...b, n], data };
    }),
  ),
);

const constructors = [
  {
    name: "positive",
    make: (v: tf.TensorLike | tf.Tensor) => positive(v),
    samples: elementwise(1e-3, 1e3),
    init: [
      [0.5, 1],
      [1.5, 2],
    ],
    other: [
      [0.75, 2.5],
      [3, 0.1],
    ],
    inside: (x: number[]) => x.every((v) => v > 0),
    push: (x: tf.Tensor) => tf.sum(x),
    rel: 2e-5,
  },
  {
    name: "bounded(-2, 3)",
    make: (v: tf.TensorLike | tf.Tensor) => bounded(v, -2, 3),
    samples: elementwise(-1.99, 2.99),
    init: [
      [0.5, 1],
      [1.5, 2],
    ],
    other: [
      [-1.5, 2.5],
      [0, 0.1],
    ],
    inside: (x: number[]) => x.every((v) => v > -2 && v < 3),
    push: (x: tf.Tensor) => tf.neg(tf.sum(x)),
    rel: 1e-4,
  },
  {
    name: "simplex",
    make: (v: tf.TensorLike | tf.Tensor) => simplex(v),
    samples: simplexRows,
    init: [
      [0.25, 0.75],
      [0.5, 0.5],
    ],
    other: [
      [0.1, 0.9],
      [0.6, 0.4],
    ],
    inside: (x: number[]) => x.every((v) => v > 0) && rowSums(x, 2).every((s) => Math.abs(s - 1) < 1e-5),
    // pushes the first entry of each row towards 1, the others towards 0
    push: (x: tf.Tensor) => tf.neg(tf.sum(tf.slice(x, [0, 0], [-1, 1]))),
    rel: 1e-4,
  },
  {
    name: "lowerTriangular",
    make: (v: tf.TensorLike | tf.Tensor) => lowerTriangular(v),
    samples: triangles(-10),
    init: [
      [0.5, 0],
      [1.5, 2],
    ],
    other: [
      [-1, 0],
      [3, 0.25],
    ],
    inside: (x: number[]) => upperEntries(x, 2).every((v) => v === 0),
    push: (x: tf.Tensor) => tf.neg(tf.sum(x)),
    rel: 0,
  },
  {
    name: "cholesky",
    make: (v: tf.TensorLike | tf.Tensor) => cholesky(v),
    samples: triangles(0.05),
    init: [
      [0.5, 0],
      [1.5, 2],
    ],
    other: [
      [1, 0],
      [-3, 0.25],
    ],
    inside: (x: number[]) =>
      upperEntries(x, 2).every((v) => v === 0) && diagonalEntries(x, 2).every((v) => v > 0),
    push: (x: tf.Tensor) => tf.sum(x),
    rel: 1e-4,
  },
  {
    name: "increasingOnInterval(-1, 4)",
    make: (v: tf.TensorLike | tf.Tensor) => increasingOnInterval(v, -1, 4),
    samples: increasingRows,
    init: [
      [0, 1],
      [2, 3],
    ],
    other: [
      [-0.5, 3.5],
      [1, 1.5],
    ],
    inside: (x: number[]) => x.every((v) => v > -1 && v < 4) && x[0]! < x[1]! && x[2]! < x[3]!,
    // pushes the first entry of each row up, the second down: it would cross them
    push: (x: tf.Tensor) => tf.sum(tf.mul(x, tf.tensor1d([-1, 1]))),
    rel: 2e-4,
  },
];

describe.each(constructors)("$name", ({ make, samples, init, other, inside, push, rel }) => {
  test("property: unwrap(constructor(v)) is v within float32 rounding, with batch axes", () => {
    fc.assert(
      fc.property(samples, ({ shape, data }) => {
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
      }),
      { numRuns: 50 },
    );
  });

  test("stays inside its constraint after 200 Adam steps pushing it outside", () => {
    const w = make(init);
    const opt = treeOptimizer({ w }, tf.train.adam(0.5));
    for (let i = 0; i < 200; i++) opt.step((p) => push(unwrap(p).w as tf.Tensor));
    const out = tf.tidy(() => Array.from((unwrap(opt.params).w as tf.Tensor).dataSync()));
    expect(inside(out)).toBe(true);
    expect(opt.steps).toBe(200);
    opt.dispose();
    dispose(w);
  });

  test("the gradient with respect to the raw leaf matches finite differences", () => {
    const w = make(init) as Parameterize;
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
    const model = { w: make(init) };
    const set = treeAssign((m) => m.w, model, other);
    expect(isParameterize(set.w)).toBe(true);
    const out = unwrap(set).w as tf.Tensor;
    expectClose(out.dataSync(), other.flat(), rel);
    tf.dispose(out);
    tf.dispose(set.w.args[0] as tf.Tensor);
    dispose(model);
  });

  test("round-trips through the codec and through saveTree/loadTree", async () => {
    const model = { w: make(init), name: "m" };
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

describe("lowerTriangular and cholesky", () => {
  test("raw entries above the diagonal get exactly zero gradient", () => {
    for (const make of [lowerTriangular, cholesky]) {
      const w = make([
        [
          [1, 0],
          [2, 3],
        ],
        [
          [4, 0],
          [5, 6],
        ],
      ]);
      const raw = w.args[0];
      const g = tf.grad((r: tf.Tensor) => tf.sum(tf.mul(unwrap(Parameterize(w.fn, r)), 7)))(raw);
      const values = Array.from(g.dataSync());
      expect(upperEntries(values, 2)).toEqual([0, 0]);
      expect(values.filter((v) => v !== 0).length).toBe(6);
      tf.dispose(g);
      dispose(w);
    }
  });
});

describe("refusals", () => {
  test("simplex, lowerTriangular and cholesky name the element or row and why", () => {
    expect(() =>
      simplex([
        [0.5, 0.5],
        [0.2, -0.1],
      ]),
    ).toThrow("simplex: 1 element is not positive; the first is -0.10000000149011612 at index [1, 1]");
    expect(() =>
      simplex([
        [0.5, 0.5],
        [0.2, 0.3],
      ]),
    ).toThrow("simplex: the row [1] sums to 0.5, not 1 (within 1e-4)");
    const one = tf.scalar(1);
    expect(() => simplex(one)).toThrow("simplex: expected a last axis of length >= 1, got shape []");
    one.dispose();
    expect(() =>
      lowerTriangular([
        [1, 0, 0],
        [1, 1, 2],
        [1, 1, 1],
      ]),
    ).toThrow("lowerTriangular: 1 element is above the diagonal and not 0; the first is 2 at index [1, 2]");
    expect(() =>
      increasingOnInterval(
        [
          [0, 1, 2],
          [0, 2, 1],
        ],
        -1,
        3,
      ),
    ).toThrow(
      "increasingOnInterval: 1 element is not above the one before it; the first is 1 at index [1, 2]",
    );
    expect(() => increasingOnInterval([0, 3], -1, 3)).toThrow(
      "increasingOnInterval: 1 element is outside (-1, 3); the first is 3 at index [1]",
    );
    expect(() => lowerTriangular([1, 2])).toThrow(
      "lowerTriangular: expected square matrices in the last two axes, got shape [2]",
    );
    expect(() =>
      cholesky([
        [
          [1, 0],
          [1, 1],
        ],
        [
          [-1, 0],
          [1, 0],
        ],
      ]),
    ).toThrow(
      "cholesky: 2 elements are on the diagonal and not positive; the first is -1 at index [1, 0, 0]",
    );
  });

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
