/**
 * Bugs a review of the one-engine rewrite found (each test fails without its fix): layers above
 * the engine must walk with the caller's options, bound options are not cleared by `undefined`,
 * registered node types are shared when unchanged, and combine gives `undefined` back.
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  NonTrainable,
  Parameterize,
  defaultRegistry,
  initBackend,
  mapNodeType,
  registerNodeType,
  treeAt,
  treeOptimizer,
  unwrap,
  nonTrainable,
  withOptions,
} from "../src";

const registry = registerNodeType(defaultRegistry, mapNodeType);

beforeAll(async () => {
  await initBackend();
});

test("treeOptimizer combines with the caller's options (registered node types, isLeaf)", () => {
  const before = tf.memory().numTensors;
  const w = tf.tensor1d([1, 2]);
  const opt = treeOptimizer(
    {
      m: new Map<string, unknown>([
        ["w", w],
        ["steps", 3],
      ]),
    },
    tf.train.sgd(0.1),
    {
      registry,
    },
  );
  expect((opt.params.m as Map<string, unknown>).get("steps")).toBe(3);
  opt.dispose();
  const names = ["a", "b"];
  const isLeaf = (x: unknown) => x === names;
  const opt2 = treeOptimizer({ w, names }, tf.train.sgd(0.1), { isLeaf });
  expect(opt2.params.names).toBe(names);
  opt2.dispose();
  w.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

test("NonTrainable stops gradients inside registered node types, with the unwrap call's options", () => {
  const before = tf.memory().numTensors;
  const x = tf.scalar(3);
  const g = tf.grad((v: tf.Tensor) => {
    const m = unwrap(NonTrainable(new Map([["a", v]])), { registry }) as Map<string, tf.Tensor>;
    return tf.mul(m.get("a")!, v);
  })(x);
  expect(g.dataSync()[0]).toBeCloseTo(3); // d/dv (stop(v) * v) = stop(v) = 3
  // isLeaf protects an object the node rules would refuse.
  const cfg = Object.defineProperty({}, "lr", { get: () => 0.1, enumerable: true });
  const out = unwrap(NonTrainable({ cfg, w: x }), { isLeaf: (n) => n === cfg });
  expect(out.cfg).toBe(cfg);
  tf.dispose([g, out.w, x]);
  expect(tf.memory().numTensors).toBe(before);
});

test("unwrap keeps result tensors found through registered node types", () => {
  const before = tf.memory().numTensors;
  const z = tf.zeros([2]);
  const out = unwrap(NonTrainable(new Map([["a", Parameterize(tf.exp, z)]])), {
    registry,
  }) as unknown as Map<string, tf.Tensor>;
  expect(out.get("a")!.isDisposed).toBe(false);
  expect(Array.from(out.get("a")!.dataSync())).toEqual([1, 1]);
  tf.dispose([out.get("a")!, z]);
  expect(tf.memory().numTensors).toBe(before);
});

test("withOptions: an option given as undefined keeps the bound one", () => {
  const mapRegistry = registerNodeType(defaultRegistry, mapNodeType);
  const T = withOptions({ registry: mapRegistry, isLeaf: Array.isArray });
  const tree = { m: new Map([["k", [1, 2]]]) };
  expect(T.treeLeaves(tree, { registry: undefined })).toEqual([[1, 2]]);
  expect(T.treeLeaves(tree, { isLeaf: undefined })).toEqual([[1, 2]]);
  expect(T.treeLeaves(tree, {})).toEqual([[1, 2]]);
});

test("unchanged registered node types are shared by treeAt, unwrap and nonTrainable", () => {
  const m = new Map<string, unknown>([["k", 1]]);
  const tree = { a: 1, m };
  expect(treeAt((t) => t.a, tree, 2, { registry }).m).toBe(m);
  expect(unwrap(tree, { registry })).toBe(tree);
  expect(nonTrainable(tree, { registry })).toBe(tree);
});

test("combine(...partition(t)) gives an undefined leaf back as undefined", () => {
  const N = withOptions({ noneIsLeaf: true });
  const [kept, rest] = N.partition({ b: 1, c: undefined as unknown }, (v) => v === 1);
  const back = N.combine(kept, rest);
  expect(back).toEqual({ b: 1, c: undefined });
  expect("c" in back && back.c === undefined).toBe(true);
});
