/**
 * Memory: `unwrap` creates exactly the tensors of its result. For every wrapper and nested
 * combinations, over many repetitions: the count of new tensors equals the number of new tensors
 * in the result, disposing the result (or a surrounding tf.tidy) brings `numTensors` back, under
 * `tf.grads` too, and on errors.
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeLeaves } from "../src";
import { registerWrapper } from "../src";
import {
  NonTrainable,
  Parameterize,
  WeightNormalization,
  defaultRegistry,
  nonTrainable,
  unwrap,
} from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const REPS = 50;

/** A wrapper whose unwrap makes garbage: temporaries that it never disposes itself. */
const messy = registerWrapper(defaultRegistry, {
  tag: "Messy",
  children: ["value"],
  unwrap: (node: { value: tf.Tensor }) => {
    const t1 = tf.mul(node.value, 2);
    const t2 = tf.add(t1, 1);
    tf.square(t2); // garbage
    return { kept: t2, plain: 3 };
  },
});

interface Fixture {
  readonly name: string;
  /** Builds the tree; `owned` receives every tensor the fixture creates, for disposal. */
  readonly build: (owned: tf.Tensor[]) => unknown;
  readonly registry?: typeof defaultRegistry;
}

const own = <T extends tf.Tensor>(owned: tf.Tensor[], t: T): T => {
  owned.push(t);
  return t;
};

const fixtures: Fixture[] = [
  { name: "Parameterize", build: (o) => Parameterize(tf.exp, own(o, tf.tensor1d([0, 1]))) },
  {
    name: "NonTrainable",
    build: (o) => NonTrainable({ a: own(o, tf.ones([2])), i: own(o, tf.scalar(1, "int32")) }),
  },
  {
    name: "nonTrainable leaves",
    build: (o) => nonTrainable({ a: own(o, tf.ones([2])), b: [own(o, tf.zeros([3]))] }),
  },
  {
    name: "WeightNormalization",
    build: (o) => {
      const wn = WeightNormalization(
        own(
          o,
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      );
      own(o, (wn.scale as unknown as Parameterize<tf.Tensor, [tf.Tensor]>).args[0]);
      return wn;
    },
  },
  {
    name: "nested: NonTrainable(WeightNormalization(Parameterize(exp, x))) and Parameterize of Parameterize",
    build: (o) => {
      const x = own(
        o,
        tf.tensor2d([
          [0.1, -0.2],
          [0.3, 0.4],
        ]),
      );
      const wn = WeightNormalization(Parameterize(tf.exp, x));
      own(o, (wn.scale as unknown as Parameterize<tf.Tensor, [tf.Tensor]>).args[0]);
      return {
        frozen: NonTrainable({ wn }),
        chain: Parameterize(tf.neg, Parameterize(tf.exp, Parameterize(tf.square, x))),
        same: Parameterize((t: tf.Tensor) => t, Parameterize(tf.exp, x)), // an intermediate passed through
        pair: Parameterize((t: tf.Tensor) => [t, t], Parameterize(tf.exp, x)), // one tensor twice
        plain: [x, 1, "s"],
      };
    },
  },
  {
    // Parameterize records whose args are all tensors or numbers are unwrapped in place, without
    // visiting each arg: their temporaries must still go, with one, several or no args.
    name: "many Parameterize with opaque args, making temporaries",
    build: (o) => {
      const x = own(o, tf.tensor1d([0.5, -0.5]));
      const k = own(o, tf.scalar(3));
      return {
        one: Array.from({ length: 20 }, () => Parameterize((t: tf.Tensor) => tf.add(tf.exp(t), 1), x)),
        several: Parameterize((a: tf.Tensor, b: tf.Tensor, c: number) => tf.mul(tf.add(a, b), c), x, k, 2),
        none: Parameterize(() => tf.sum(tf.ones([3]))),
        container: Parameterize((t: tf.Tensor) => ({ e: tf.exp(t), n: [tf.neg(t), 2] }), x),
        passThrough: Parameterize((t: tf.Tensor) => t, x), // an input returned as is
      };
    },
  },
  {
    name: "a messy custom wrapper inside built-ins",
    build: (o) =>
      Parameterize((r: { kept: tf.Tensor }) => tf.exp(r.kept), {
        _tag: "Messy",
        value: own(o, tf.ones([2])),
      } as never),
    registry: messy,
  },
];

/** The distinct tensors of `out` that are not among `inputs`. */
function newTensors(out: unknown, inputs: readonly tf.Tensor[]): tf.Tensor[] {
  const set = new Set(treeLeaves(out).filter((l): l is tf.Tensor => l instanceof tf.Tensor));
  return [...set].filter((t) => !inputs.includes(t));
}

describe.each(fixtures)("$name", ({ build, registry }) => {
  const run = registry === undefined ? unwrap : <T>(t: T) => unwrap(t, { registry });

  test(`creates exactly the tensors of its result, ${REPS} times`, () => {
    const owned: tf.Tensor[] = [];
    const tree = build(owned);
    const start = tf.memory().numTensors;
    for (let i = 0; i < REPS; i++) {
      const out = run(tree);
      const fresh = newTensors(out, owned);
      expect(tf.memory().numTensors).toBe(start + fresh.length);
      fresh.forEach((t) => expect(t.isDisposed).toBe(false));
      tf.dispose(fresh);
      expect(tf.memory().numTensors).toBe(start);
    }
    owned.forEach((t) => expect(t.isDisposed).toBe(false));
    tf.dispose(owned);
  });

  test("inside tf.tidy: everything released except what the tidy returns", () => {
    const owned: tf.Tensor[] = [];
    const tree = build(owned);
    const start = tf.memory().numTensors;
    for (let i = 0; i < REPS; i++) {
      tf.tidy(() => {
        run(tree);
      });
      const kept = tf.tidy(() => {
        const fresh = newTensors(run(tree), owned);
        return fresh[0] ?? tf.scalar(0);
      });
      expect(tf.memory().numTensors).toBe(start + 1);
      kept.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose(owned);
  });

  test("under tf.grads: only the gradients remain", () => {
    const owned: tf.Tensor[] = [];
    const tree = build(owned);
    const floats = owned.filter((t) => t.dtype === "float32");
    const start = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      const grads = tf.grads((...xs: tf.Tensor[]) => {
        // Make the loss depend on the inputs through the wrappers: sum every float output.
        const out = run(tree);
        const terms = newTensors(out, owned)
          .filter((t) => t.dtype === "float32")
          .map((t) => tf.sum(t));
        return tf.addN([...terms, ...xs.map((x) => tf.mul(0, tf.sum(x)))]);
      })(floats);
      expect(grads.every((g) => Array.from(g.dataSync()).every(Number.isFinite))).toBe(true);
      expect(tf.memory().numTensors).toBe(start + grads.length);
      tf.dispose(grads);
    }
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose(owned);
  });
});

test("a failure after some wrappers ran leaks nothing, repeatedly", () => {
  const x = tf.tensor1d([1, 2]);
  const start = tf.memory().numTensors;
  const tree = {
    a: Parameterize(tf.exp, x),
    b: NonTrainable([x]),
    z: Parameterize(
      (t: tf.Tensor) => {
        tf.square(t);
        throw new Error("fail");
      },
      Parameterize(tf.exp, x),
    ),
  };
  for (let i = 0; i < REPS; i++)
    expect(() => unwrap(tree)).toThrow("unwrap: Parameterize at .z failed: fail");
  expect(tf.memory().numTensors).toBe(start);
  // Also inside a tidy and under a gradient.
  for (let i = 0; i < 5; i++) {
    expect(() =>
      tf.tidy(() => {
        unwrap(tree);
      }),
    ).toThrow("fail");
    expect(() =>
      tf.grad((v: tf.Tensor) =>
        tf.sum(
          unwrap(
            Parameterize(() => {
              throw new Error("g");
            }, v),
          ),
        ),
      )(x),
    ).toThrow("g");
  }
  expect(tf.memory().numTensors).toBe(start);
  x.dispose();
});

describe("the engine scope unwrap ends itself, as tfjs's endScope would", () => {
  test("tensors a wrapper tf.keep()s survive, inside a tidy too; the scope stack is restored", () => {
    const x = tf.tensor1d([1, 2]);
    const start = tf.memory().numTensors;
    const depth = tf.engine().state.scopeStack.length;
    const keptTemps: tf.Tensor[] = [];
    const tree = {
      a: Parameterize((t: tf.Tensor) => {
        keptTemps.push(tf.keep(tf.square(t))); // a kept temporary
        return tf.exp(t);
      }, x),
      b: Parameterize((t: tf.Tensor) => tf.keep(tf.neg(t)), x), // a kept result
    };
    const out = unwrap(tree);
    expect(tf.engine().state.scopeStack.length).toBe(depth);
    expect(tf.memory().numTensors).toBe(start + 3); // a, b and the kept temporary
    let bInTidy: tf.Tensor | undefined;
    const aInTidy = tf.tidy(() => {
      const o = unwrap(tree);
      expect(tf.engine().state.scopeStack.length).toBe(depth + 1);
      bInTidy = o.b; // kept: the tidy leaves it alone
      return o.a;
    });
    expect(tf.engine().state.scopeStack.length).toBe(depth);
    expect(tf.memory().numTensors).toBe(start + 6);
    expect(bInTidy?.isDisposed).toBe(false);
    expect(Array.from(aInTidy.dataSync())).toEqual(Array.from(out.a.dataSync()));
    expect(Array.from(out.b.dataSync())).toEqual([-1, -2]);
    tf.dispose([out.a, out.b, aInTidy, bInTidy as tf.Tensor, ...keptTemps]);
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
  });

  test("unwrap inside a wrapper's fn (nested scopes), at the top level and inside a tidy", () => {
    const x = tf.tensor1d([0.5, -1]);
    const start = tf.memory().numTensors;
    const inner = { p: Parameterize(tf.exp, x) };
    const tree = Parameterize(
      (t: tf.Tensor) => tf.add(t, unwrap(inner).p), // the inner result is a temporary of the outer
      Parameterize(tf.square, x),
    );
    const expected = [0.25 + Math.exp(0.5), 1 + Math.exp(-1)];
    for (let i = 0; i < 10; i++) {
      const out = unwrap(tree);
      expect(tf.memory().numTensors).toBe(start + 1);
      Array.from(out.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(expected[k] as number, 5));
      out.dispose();
      const y = tf.tidy(() => tf.mul(unwrap(tree), 2));
      expect(tf.memory().numTensors).toBe(start + 1);
      y.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
  });
});
