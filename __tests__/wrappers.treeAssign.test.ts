/**
 * `treeAssign`: setting a node through its wrappers' inverses, `Parameterize`'s table of named
 * invertible functions, `NonTrainable`'s identity inverse, and the refusals.
 */
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import {
  NonTrainable,
  Parameterize,
  WeightNormalization,
  invSoftplus,
  isNonTrainable,
  isParameterize,
  logit,
  positive,
  registerWrapper,
  treeAssign,
  treeLeaves,
  unwrap,
  withOptions,
  defaultRegistry,
} from "../src";
import { NoInverseError, assignValue, emptyRegistry } from "../src/advanced";
import type { TreeOptions } from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

/** The values of a tensor, read back. */
function values(x: tf.Tensor): number[] {
  const out = Array.from(x.dataSync());
  return out;
}

/** Runs `f`, then disposes every tensor it made (its result holds none). */
function scoped<R>(f: () => R): R {
  return tf.tidy(f as () => tf.TensorContainer) as R;
}

function expectClose(actual: number[], expected: number[], rel = 1e-5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as number;
    expect(Math.abs(a - e)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(e)));
  });
}

describe("Parameterize of a named invertible function", () => {
  const cases: [string, (x: tf.Tensor) => tf.Tensor, number[]][] = [
    ["tf.exp", tf.exp, [0.1, 2, 30]],
    ["tf.log", tf.log, [-3, 0, 2.5]],
    ["tf.softplus", tf.softplus, [0.01, 1, 20]],
    ["invSoftplus", invSoftplus, [-3, 0.5, 4]],
    ["tf.sigmoid", tf.sigmoid, [0.01, 0.5, 0.99]],
    ["logit", logit, [-4, 0, 3]],
    ["tf.square", tf.square, [0.25, 1, 9]],
    ["tf.sqrt", tf.sqrt, [0, 1.5, 3]],
    ["tf.tanh", tf.tanh, [-0.9, 0, 0.5]],
    ["tf.atanh", tf.atanh, [-2, 0, 1]],
    ["tf.expm1", tf.expm1, [-0.5, 0, 3]],
    ["tf.log1p", tf.log1p, [-1, 0, 2]],
  ];
  test.each(cases)("%s: unwrap(treeAssign(...)) is the value, the wrapper is kept", (_name, fn, target) => {
    const raw = tf.zeros([3]);
    const model = { scale: Parameterize(fn, raw), other: 7 };
    scoped(() => {
      const set = treeAssign((m) => m.scale, model, target);
      expect(isParameterize(set.scale)).toBe(true);
      expect(set.scale.fn).toBe(fn);
      expect(set.other).toBe(7);
      expectClose(values(unwrap(set).scale as tf.Tensor), target, 1e-5);
      return [];
    });
    // the input is unchanged
    expect(model.scale.args[0]).toBe(raw);
    expect(raw.isDisposed).toBe(false);
    raw.dispose();
  });

  test("property: positive scales with batch axes round-trip through softplus within float32 rounding", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.float({ min: Math.fround(1e-3), max: Math.fround(1e3), noNaN: true }),
        (b, n, seed) => {
          scoped(() => {
            const v = tf.add(tf.mul(tf.randomUniform([b, n], 0, 1, "float32", Math.floor(seed)), seed), 1e-3);
            const model = { scale: Parameterize(tf.softplus, tf.zeros([b, n])) };
            const out = unwrap(treeAssign((m) => m.scale, model, v)).scale as tf.Tensor;
            expect(out.shape).toEqual([b, n]);
            expectClose(values(out), values(v), 1e-5);
            return [];
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  test("a number value becomes a float32 tensor", () => {
    scoped(() => {
      const set = treeAssign((m) => m.s, { s: Parameterize(tf.exp, tf.scalar(0)) }, 2);
      const arg = set.s.args[0] as tf.Tensor;
      expect(arg.dtype).toBe("float32");
      expectClose(values(arg), [Math.log(2)]);
      return [];
    });
  });
});

describe("nested wrappers", () => {
  test("Parameterize inside Parameterize: outermost first, innermost last", () => {
    scoped(() => {
      const model = { s: Parameterize(tf.exp, Parameterize(tf.softplus, tf.zeros([2]))) };
      const set = treeAssign((m) => m.s, model, [2, 10]);
      const inner = set.s.args[0];
      expect(isParameterize(inner)).toBe(true);
      // exp(softplus(raw)) = v  <=>  raw = invSoftplus(log v)
      const raw = (inner as Parameterize).args[0] as tf.Tensor;
      expectClose(values(raw), values(invSoftplus([Math.log(2), Math.log(10)])));
      expectClose(values(unwrap(set).s as tf.Tensor), [2, 10]);
      return [];
    });
  });

  test("NonTrainable around a constrained leaf stays frozen and constrained", () => {
    scoped(() => {
      const model = { rate: NonTrainable(Parameterize(tf.sigmoid, tf.zeros([2]))) };
      const set = treeAssign((m) => m.rate, model, [0.2, 0.9]);
      expect(isNonTrainable(set.rate)).toBe(true);
      expect(isParameterize(set.rate.tree)).toBe(true);
      expectClose(values(unwrap(set).rate as tf.Tensor), [0.2, 0.9]);
      // and it is still frozen: no gradient reaches the stored value
      const g = tf.grad((raw: tf.Tensor) =>
        tf.sum(unwrap(NonTrainable(Parameterize(tf.sigmoid, raw))) as tf.Tensor),
      )(set.rate.tree.args[0] as tf.Tensor);
      expect(values(g)).toEqual([0, 0]);
      return [];
    });
  });

  test("NonTrainable around a plain tensor: the value is stored as is", () => {
    const v = tf.tensor1d([1, 2]);
    const old = tf.zeros([2]);
    const set = treeAssign((m) => m.w, { w: NonTrainable(old) }, v);
    expect(set.w.tree).toBe(v);
    tf.dispose([v, old]);
  });

  test("a selection inside a wrapper's children works as treeAt", () => {
    const model = { s: Parameterize(tf.exp, 0) };
    const set = treeAssign((m) => m.s.args[0], model, 5);
    expect(set.s.args).toEqual([5]);
  });

  test("several selections take an array of values", () => {
    scoped(() => {
      const model = {
        a: Parameterize(tf.exp, tf.scalar(0)),
        b: Parameterize(tf.sigmoid, tf.scalar(0)),
        c: 1,
      };
      const set = treeAssign((m) => [m.a, m.b, m.c], model, [3, 0.75, 9]);
      const out = unwrap(set);
      expectClose(values(out.a as tf.Tensor), [3]);
      expectClose(values(out.b as tf.Tensor), [0.75]);
      expect(out.c).toBe(9);
      expect(() => treeAssign((m) => [m.a, m.b], model, 3)).toThrow(
        "treeAssign: `where` selected 2 nodes, so the value must be an array of 2 values, got number",
      );
      return [];
    });
  });

  test("a custom wrapper with an inverse, through withOptions and the registry option", () => {
    interface Shift {
      readonly _tag: "Shift";
      readonly x: unknown;
      readonly by: number;
    }
    const registry = registerWrapper(defaultRegistry, {
      tag: "Shift",
      children: ["x"],
      unwrap: (n: Shift) => tf.add(n.x as tf.Tensor, n.by),
      inverse: (n: Shift, v, options): Shift =>
        Object.freeze({ ...n, x: assignValue(n.x, tf.sub(v as tf.Tensor, n.by), options) }),
    });
    scoped(() => {
      const model = { s: { _tag: "Shift", x: Parameterize(tf.exp, tf.scalar(0)), by: 1 } as Shift };
      const T = withOptions({ registry });
      const set = T.treeAssign((m) => m.s, model, tf.scalar(5));
      expectClose(values(T.unwrap(set).s as unknown as tf.Tensor), [5]);
      // exp(raw) + 1 = 5
      expectClose(values((set.s.x as Parameterize).args[0] as tf.Tensor), [Math.log(4)]);
      const direct = treeAssign((m) => m.s, model, tf.scalar(5), { registry });
      expectClose(values(unwrap(direct, { registry }).s as unknown as tf.Tensor), [5]);
      return [];
    });
  });
});

describe("refusals name the key path and the tag", () => {
  test("a wrapper without an inverse", () => {
    const w = tf.ones([2, 2]);
    const model = { layers: [{ w: WeightNormalization(w) }] };
    expect(() => treeAssign((m) => m.layers[0]!.w, model, 1)).toThrow(
      'treeAssign: cannot set the node at .layers[0].w: the "WeightNormalization" wrapper has no inverse: ' +
        "its spec declares no `inverse`",
    );
    tf.dispose(treeLeaves(model) as tf.Tensor[]);
  });

  test("a nested wrapper without an inverse names the wrappers around it", () => {
    const w = tf.ones([2, 2]);
    const model = { w: NonTrainable(WeightNormalization(w)) };
    let error: unknown;
    try {
      treeAssign((m) => m.w, model, 1);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe(
      'treeAssign: cannot set the node at .w: the "WeightNormalization" wrapper (inside NonTrainable) has no ' +
        "inverse: its spec declares no `inverse`",
    );
    tf.dispose(treeLeaves(model) as tf.Tensor[]);
  });

  test("Parameterize of a function not in the table, or of several arguments", () => {
    const cube = (x: number) => x ** 3;
    expect(() => treeAssign((m) => m.a, { a: Parameterize(cube, 1) }, 8)).toThrow(
      'treeAssign: cannot set the node at .a: the "Parameterize" wrapper has no inverse: its function cube is not ' +
        "one of the named invertible functions (tf.exp, tf.log, tf.softplus, invSoftplus, tf.sigmoid, logit, " +
        "tf.square, tf.sqrt, tf.tanh, tf.atanh, tf.expm1, tf.log1p, simplexFromLogits, lowerTriangle, choleskyFactor, scaledSigmoid, increasingFromLogits)",
    );
    expect(() => treeAssign((m) => m, Parameterize(Math.max, 1, 2), 8)).toThrow(
      'treeAssign: cannot set the node at <root>: the "Parameterize" wrapper has no inverse: its function max is not',
    );
    expect(() => treeAssign((m) => m, Parameterize(tf.exp, 1, 2), 8)).toThrow(
      'treeAssign: cannot set the node at <root>: the "Parameterize" wrapper has no inverse: tf.exp is inverted ' +
        "for one argument, got 2",
    );
  });

  test("a value outside the function's range names the element", () => {
    const model = { p: { rate: Parameterize(tf.sigmoid, 0) }, s: Parameterize(tf.exp, 0) };
    expect(() =>
      treeAssign((m) => m.p.rate, model, [
        [0.5, 0.2],
        [1.5, 0.3],
      ]),
    ).toThrow(
      "treeAssign: cannot set the node at .p.rate: the inverse of tf.sigmoid: 1 element is outside (0, 1); " +
        "the first is 1.5 at index [1, 0]",
    );
    expect(() => treeAssign((m) => m.s, model, [1, -2, 0])).toThrow(
      "treeAssign: cannot set the node at .s: the inverse of tf.exp: 2 elements are not positive; the first is -2 " +
        "at index [1]",
    );
    expect(() => treeAssign((m) => m.s, model, -1)).toThrow(RangeError);
  });

  test("assignValue with no registry replaces; NoInverseError carries the tag", () => {
    expect(assignValue(Parameterize(tf.exp, 0), 3, { registry: emptyRegistry })).toBe(3);
    const e = new NoInverseError("Clip", "why", ["A", "B"]);
    expect(e.message).toBe('the "Clip" wrapper (inside A inside B) has no inverse: why');
    expect(e.tag).toBe("Clip");
    // A long chain is told by its ends (a failure 100,000 wrappers deep was a 1.6 MB message).
    const deep = new NoInverseError(
      "Clip",
      "why",
      Array.from({ length: 100_000 }, (_, i) => `W${i}`),
    );
    expect(deep.message).toBe(
      'the "Clip" wrapper (inside W0 inside W1 inside W2 inside W3 inside W4 inside …(99990 wrappers)… ' +
        "inside W99995 inside W99996 inside W99997 inside W99998 inside W99999) has no inverse: why",
    );
    expect(deep.outer).toHaveLength(100_000);
  });
});

describe("purity and memory", () => {
  test("the input tree is not mutated and its tensors are not disposed", () => {
    const raw = tf.zeros([2]);
    const model = { a: { s: Parameterize(tf.softplus, raw) }, b: [1, 2] };
    const before = JSON.stringify(model, (_k, v: unknown) => (v instanceof tf.Tensor ? values(v) : v));
    const set = treeAssign((m) => m.a.s, model, [1, 2]);
    expect(JSON.stringify(model, (_k, v: unknown) => (v instanceof tf.Tensor ? values(v) : v))).toBe(before);
    expect(set.b).toBe(model.b);
    expect(raw.isDisposed).toBe(false);
    expect(Object.isFrozen(set.a.s)).toBe(true);
    tf.dispose([raw, set.a.s.args[0] as tf.Tensor]);
  });

  test("exactly one new tensor per assigned leaf, even through nesting and refusals", () => {
    const raw = tf.zeros([2]);
    const model = { s: Parameterize(tf.exp, Parameterize(tf.softplus, raw)) };
    const before = tf.memory().numTensors;
    const set = treeAssign((m) => m.s, model, [2, 3]);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(() => treeAssign((m) => m.s, model, [2, -3])).toThrow("not positive");
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([raw, (set.s.args[0] as Parameterize).args[0] as tf.Tensor]);
  });
});

describe("deep wrapper chains are set without recursion", () => {
  const depth = 100_000;

  /** The node `levels` wrappers down, each step taken by `inner`. */
  function descend(x: unknown, levels: number, inner: (x: unknown) => unknown): unknown {
    let node = x;
    for (let i = 0; i < levels; i++) node = inner(node);
    return node;
  }

  test("a NonTrainable chain around a constrained leaf", () => {
    const p = positive(1);
    let x: unknown = p;
    for (let i = 0; i < depth; i++) x = NonTrainable(x);
    const before = tf.memory().numTensors;
    const set = treeAssign((m) => m.w, { w: x }, 2);
    expect(tf.memory().numTensors).toBe(before + 1);
    let others = 0;
    const inner = descend(set.w, depth, (n) => {
      if (!isNonTrainable(n)) others++;
      return (n as NonTrainable).tree;
    }) as Parameterize;
    expect(others).toBe(0);
    expect(isParameterize(inner)).toBe(true);
    expect(inner.fn).toBe(p.fn);
    scoped(() => {
      expectClose(values(unwrap(set).w as unknown as tf.Tensor), [2]);
      return [];
    });
    tf.dispose([inner.args[0] as tf.Tensor, p.args[0] as tf.Tensor]);
  });

  test("a Parameterize chain of tf.exp and tf.log, alternating", () => {
    const raw = tf.scalar(0);
    let x: unknown = raw;
    for (let i = 0; i < depth; i++) x = Parameterize(i % 2 === 0 ? tf.log : tf.exp, x as tf.Tensor);
    const before = tf.memory().numTensors;
    const set = treeAssign((m) => m.w, { w: x }, 2);
    expect(tf.memory().numTensors).toBe(before + 1);
    const stored = descend(set.w, depth, (n) => (n as Parameterize).args[0]) as tf.Tensor;
    // From the outside: tf.exp gets 2, passes log 2 to tf.log, which passes 2 on, and so on down to
    // the innermost tf.log.
    expectClose(values(stored), [2], 1e-3);
    scoped(() => {
      expectClose(values(unwrap(set).w as unknown as tf.Tensor), [2], 1e-3);
      return [];
    });
    tf.dispose([raw, stored]);
  }, 120_000);

  test("an error deep down names every wrapper around it, as the recursion did", () => {
    let x: unknown = WeightNormalization(tf.ones([2, 2]));
    const levels = 4;
    for (let i = 0; i < levels; i++) x = NonTrainable(i % 2 === 0 ? Parameterize(tf.exp, x as tf.Tensor) : x);
    const before = tf.memory().numTensors;
    expect(() => treeAssign((m) => m.w, { w: x }, 2)).toThrow(
      'treeAssign: cannot set the node at .w: the "WeightNormalization" wrapper (inside Parameterize inside ' +
        "NonTrainable inside NonTrainable inside Parameterize inside NonTrainable inside NonTrainable) has no " +
        "inverse: its spec declares no `inverse`",
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(treeLeaves(x) as tf.Tensor[]);
  });

  test("a custom inverse in the chain: its nested assignValue's errors name it too", () => {
    interface Box {
      readonly _tag: "Box";
      readonly x: unknown;
    }
    const registry = registerWrapper(defaultRegistry, {
      tag: "Box",
      children: ["x"],
      unwrap: (n: Box) => n.x,
      inverse: (n: Box, v, options): Box => Object.freeze({ ...n, x: assignValue(n.x, v, options) }),
    });
    const box = (x: unknown): Box => Object.freeze({ _tag: "Box", x });
    const w = tf.ones([2, 2]);
    const model = { w: NonTrainable(box(NonTrainable(WeightNormalization(w)))) };
    expect(() => treeAssign((m) => m.w, model, 1, { registry })).toThrow(
      'treeAssign: cannot set the node at .w: the "WeightNormalization" wrapper (inside NonTrainable inside Box ' +
        "inside NonTrainable) has no inverse: its spec declares no `inverse`",
    );
    const deep = NonTrainable(box(NonTrainable(Parameterize(tf.exp, tf.scalar(0)))));
    const before = tf.memory().numTensors;
    const set = treeAssign((m) => m, deep, 3, { registry });
    expect(tf.memory().numTensors).toBe(before + 1);
    const stored = (((set.tree as Box).x as NonTrainable).tree as Parameterize).args[0] as tf.Tensor;
    expectClose(values(stored), [Math.log(3)]);
    tf.dispose([...(treeLeaves(model) as tf.Tensor[]), ...(treeLeaves(deep) as tf.Tensor[]), stored]);
  });
});

describe("a failing treeAssign leaves no tensor behind", () => {
  test("a later selection without an inverse", () => {
    const model = { a: positive(1), b: WeightNormalization(tf.ones([2, 2])) };
    const two = tf.scalar(2);
    const ones = tf.ones([2, 2]);
    const before = tf.memory().numTensors;
    expect(() => treeAssign((m) => [m.a, m.b], model, [two, ones])).toThrow(
      'treeAssign: cannot set the node at .b: the "WeightNormalization" wrapper has no inverse',
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(two.isDisposed || ones.isDisposed).toBe(false);
    tf.dispose([two, ones, ...(treeLeaves(model) as tf.Tensor[])]);
  });

  test("a later selection outside its inverse's range", () => {
    const model = { a: positive(1), b: NonTrainable(positive(1)), s: Parameterize(tf.exp, 0) };
    const before = tf.memory().numTensors;
    expect(() => treeAssign((m) => [m.s, m.a, m.b], model, [-1, 2, 3])).toThrow(RangeError);
    expect(() => treeAssign((m) => [m.s, m.a, m.b], model, [-1, 2, 3])).toThrow(
      "treeAssign: cannot set the node at .s: the inverse of tf.exp: 1 element is not positive",
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(treeLeaves(model) as tf.Tensor[]);
  });

  test("the caller's tensors stored as they are, and the tree's, are not disposed", () => {
    const kept = tf.scalar(7);
    const model = { x: tf.scalar(1), y: NonTrainable(tf.scalar(1)), s: Parameterize(tf.exp, 0) };
    const before = tf.memory().numTensors;
    expect(() => treeAssign((m) => [m.x, m.y, m.s], model, [kept, kept, -1])).toThrow("not positive");
    expect(tf.memory().numTensors).toBe(before);
    expect(kept.isDisposed).toBe(false);
    expect(model.x.isDisposed).toBe(false);
    tf.dispose([kept, ...(treeLeaves(model) as tf.Tensor[])]);
  });

  test("a value array of the wrong length, and a success that makes only what it holds", () => {
    const model = { a: positive(1), b: positive(1) };
    const before = tf.memory().numTensors;
    expect(() => treeAssign((m) => [m.a, m.b], model, [2])).toThrow("must be an array of 2 values");
    expect(tf.memory().numTensors).toBe(before);
    const set = treeAssign((m) => [m.a, m.b], model, [2, 3]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([...(treeLeaves(model) as tf.Tensor[]), ...(treeLeaves(set) as tf.Tensor[])]);
  });
});

describe("treeAssign's selection errors name treeAssign", () => {
  const model = { a: Parameterize(tf.exp, 0), b: { c: 1 } };

  test.each([
    [
      "the same node twice",
      (m: typeof model) => [m.a, m.a],
      "treeAssign: `where` selected the node at .a twice (elements 0 and 1)",
    ],
    [
      "a node inside another",
      (m: typeof model) => [m.b, m.b.c],
      "treeAssign: `where` selected both the node at .b and the node at .b.c inside it",
    ],
    [
      "something not in the tree",
      () => 5,
      "treeAssign: `where` selected the number 5, which is not a node of the tree",
    ],
    [
      "an array element not in the tree",
      (m: typeof model) => [m.a, 5],
      "treeAssign: `where` returned an array whose element 1 is the number 5",
    ],
  ])("%s", (_name, where, message) => {
    expect(() => treeAssign(where, model, [1, 1])).toThrow(message);
  });

  test("a `where` that is not a function", () => {
    expect(() => treeAssign(5 as never, model, 1)).toThrow(
      new TypeError("treeAssign: `where` must be a function"),
    );
  });
});

describe("isLeaf is asked first: a node it calls a leaf is replaced, not inverted", () => {
  test("at the selected node and inside a wrapper", () => {
    const p = positive(1);
    const o: TreeOptions = { isLeaf: (x: unknown) => x === p };
    expect(treeAssign((m) => m.p, { p }, 2, o).p).toBe(2);
    const set = treeAssign((m) => m.q, { q: NonTrainable(p) }, 2, o);
    expect(isNonTrainable(set.q)).toBe(true);
    expect(set.q.tree).toBe(2);
    expect(assignValue(p, 3, { ...o, registry: defaultRegistry })).toBe(3);
    tf.dispose(p.args[0] as tf.Tensor);
  });
});
