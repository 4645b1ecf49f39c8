import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree } from "../src";
import { isFloatTensor } from "../src";
import { partitionTrainable } from "../src";
import { sgdStep } from "../src";
import { valueAndGrad } from "../src";
import { treeLeaves, treeStructure } from "../src";
import { combine } from "../src";
import { NonTrainable, Parameterize, WeightNormalization, nonTrainable, unwrap } from "../src";

beforeAll(async () => {
  await initBackend();
});

function makeModel() {
  return {
    layers: [
      {
        weight: WeightNormalization(
          tf.tensor2d([
            [1, 2],
            [3, -1],
          ]),
        ),
        bias: tf.zeros([2]),
      },
      { weight: tf.tensor2d([[0.5, -0.5]]), bias: tf.zeros([1]) },
    ],
    norm: NonTrainable({ mean: tf.scalar(0.25), std: tf.scalar(2) }),
    noise: Parameterize(tf.softplus, tf.scalar(0.1)),
    steps: tf.scalar(7, "int32"),
    activation: tf.tanh,
    name: "mlp",
  };
}

describe("partitionTrainable", () => {
  test("float leaves outside NonTrainable are trainable; the rest is frozen; combine gives the model back", () => {
    const before = tf.memory().numTensors;
    const model = makeModel();
    const [trainable, frozen] = partitionTrainable(model);
    const trainableLeaves = treeLeaves(trainable);
    // weight, raw scale, bias, weight, bias, raw noise
    expect(trainableLeaves).toHaveLength(6);
    expect(trainableLeaves.every(isFloatTensor)).toBe(true);
    expect(trainableLeaves).toContain(model.noise.args[0]);
    expect(trainableLeaves).not.toContain(model.norm.tree.mean);
    expect(trainableLeaves).not.toContain(model.steps);
    const frozenLeaves = treeLeaves(frozen);
    expect(frozenLeaves).toEqual(
      expect.arrayContaining([model.norm.tree.mean, model.norm.tree.std, model.steps]),
    );
    expect(frozenLeaves.some((x) => trainableLeaves.includes(x))).toBe(false);
    // Statics stay in the records and objects of both halves.
    expect(trainable.noise.fn).toBe(tf.softplus);
    expect(frozen.name).toBe("mlp");
    expect(trainable.name).toBeNull();
    expect(frozen.activation).toBe(tf.tanh);
    // The two halves have one structure, and combine restores the model leaf for leaf.
    const back = combine(trainable, frozen);
    expect(treeStructure(back).equals(treeStructure(model))).toBe(true);
    const a = treeLeaves(back);
    const b = treeLeaves(model);
    expect(a).toHaveLength(b.length);
    a.forEach((x, i) => expect(x).toBe(b[i]));
    // Nothing was copied.
    expect(tf.memory().numTensors).toBe(
      before + treeLeaves(model).filter((x) => x instanceof tf.Tensor).length,
    );
    disposeTree(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("NonTrainable(w): zero gradient for w, and w is not in the trainable half", () => {
    const before = tf.memory().numTensors;
    const w = tf.tensor1d([1, -2]);
    const v = tf.tensor1d([0.5, 3]);
    const model = { frozen: NonTrainable(w), free: v };
    const loss = (m: typeof model) => {
      const u = unwrap(m);
      return tf.sum(tf.mul(tf.square(u.frozen), u.free));
    };
    const { value, grads } = valueAndGrad(loss)(model);
    expect(Array.from(grads.frozen.tree.dataSync())).toEqual([0, 0]); // exactly zero
    // d/dv sum(w^2 v) = w^2
    expect(Array.from(grads.free.dataSync())).toEqual([1, 4]);
    const [trainable] = partitionTrainable(model);
    expect(treeLeaves(trainable)).toEqual([v]);
    disposeTree([value, grads.frozen.tree, grads.free, w, v]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("nonTrainable(model) freezes all of a model", () => {
    const before = tf.memory().numTensors;
    const model = makeModel();
    const frozenModel = nonTrainable(model);
    const [trainable, frozen] = partitionTrainable(frozenModel);
    expect(treeLeaves(trainable)).toEqual([]);
    expect(treeLeaves(frozen).filter(isFloatTensor)).toHaveLength(
      treeLeaves(model).filter(isFloatTensor).length,
    );
    // And its gradients are all exactly zero.
    const { value, grads } = valueAndGrad((m: typeof frozenModel) => {
      const u = unwrap(m) as { layers: { weight: tf.Tensor }[]; noise: tf.Tensor };
      return tf.add(tf.sum(u.layers[0]!.weight), u.noise);
    })(frozenModel);
    const gradLeaves = treeLeaves(grads).filter(isFloatTensor);
    expect(gradLeaves.length).toBeGreaterThan(0);
    for (const g of gradLeaves) expect(Array.from(g.dataSync()).every((x) => x === 0)).toBe(true);
    disposeTree(gradLeaves);
    value.dispose();
    disposeTree(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("the regularisation trap: an L2 penalty on the trainable half leaves frozen parameters alone", () => {
    const before = tf.memory().numTensors;
    const frozenW = tf.tensor1d([3, 4]);
    const freeW = tf.tensor1d([1, 2]);
    const model = { frozen: NonTrainable(frozenW), free: freeW };
    const l2 = (tree: unknown) =>
      treeLeaves(tree)
        .filter(isFloatTensor)
        .reduce<tf.Tensor>((acc, x) => tf.add(acc, tf.sum(tf.square(x))), tf.scalar(0));

    // The trap: a penalty over the raw model (every float leaf, as `l2(model)` reads naturally)
    // reaches inside NonTrainable: the gradient at the frozen weights is 2w, and a descent step
    // moves them.
    const trap = valueAndGrad((m: typeof model) => l2(m))(model);
    expect(trap.value.dataSync()[0]).toBeCloseTo(1 + 4 + 9 + 16, 5);
    expect(Array.from(trap.grads.frozen.tree.dataSync())).toEqual([6, 8]);
    const moved = sgdStep(model, trap.grads, 0.1);
    expect(Array.from(moved.frozen.tree.dataSync()).map((x) => Math.round(x * 1e5) / 1e5)).toEqual([
      2.4, 3.2,
    ]);

    // The cure: penalise (and step) the trainable half. The penalty is sum(freeW^2) = 5, only the
    // free weights get a gradient, and after the step the frozen weights are the same tensor.
    const [trainable, frozen] = partitionTrainable(model);
    const cure = valueAndGrad((t: typeof model) => l2(t))(trainable);
    expect(cure.value.dataSync()[0]).toBeCloseTo(5, 5);
    expect(Array.from(cure.grads.free.dataSync())).toEqual([2, 4]);
    expect(cure.grads.frozen.tree).toBeNull();
    const stepped = combine(sgdStep(trainable, cure.grads, 0.1), frozen);
    expect(stepped.frozen.tree).toBe(frozenW);
    expect(Array.from(frozenW.dataSync())).toEqual([3, 4]);
    expect(Array.from(stepped.free.dataSync()).map((x) => Math.round(x * 1e5) / 1e5)).toEqual([0.8, 1.6]);

    disposeTree([trap, moved, cure, stepped], { filter: (x) => x !== frozenW && x !== freeW });
    disposeTree([frozenW, freeW]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
