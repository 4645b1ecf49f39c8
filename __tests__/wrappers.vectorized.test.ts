/**
 * Vectorized construction (paramax's contract, tfjs having no vmap): a wrapper built from tensors
 * with leading batch axes unwraps to the stack of the individually unwrapped wrappers. Checked
 * for NonTrainable, Parameterize(tf.exp, ·) and WeightNormalization with batch shapes [], [2] and
 * [5, 2, 4], the batched wrapper being built with treeStack (and, for WeightNormalization, also
 * by its constructor from a batched weight). Every batch index is compared, not only [0, ..., 0].
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeLeaves } from "../src";
import { treeStack } from "../src";
import { NonTrainable, Parameterize, WeightNormalization, unwrap } from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const batchShapes: number[][] = [[], [2], [5, 2, 4]];
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Deterministic, varied, non-zero values for batch item `item`. */
function valuesFor(item: number, n: number): number[] {
  return Array.from(
    { length: n },
    (_, k) => Math.sin(1.7 * item + 0.9 * k + 0.3) * 2 + (k % 3 === 0 ? 0.5 : -0.25),
  );
}

/** Stacks `items` (row-major over `shape`) into one tree with leading axes `shape`. */
function stackNested<T>(items: readonly T[], shape: readonly number[]): T {
  if (shape.length === 0) return items[0] as T;
  const [first, ...rest] = shape as [number, ...number[]];
  const group = size(rest);
  const groups: T[] = [];
  for (let g = 0; g < first; g++) groups.push(stackNested(items.slice(g * group, (g + 1) * group), rest));
  const stacked = treeStack(groups);
  // Intermediate stacks (not the items themselves) are ours to free.
  if (rest.length > 0) for (const g of groups) tf.dispose(treeLeaves<tf.Tensor>(g));
  return stacked;
}

interface Case {
  readonly name: string;
  readonly inner: number[];
  readonly make: (x: tf.Tensor) => unknown;
}

const cases: Case[] = [
  { name: "NonTrainable", inner: [3], make: (x) => NonTrainable({ x }) },
  { name: "Parameterize(tf.exp, ·)", inner: [3], make: (x) => Parameterize(tf.exp, x) },
  { name: "WeightNormalization", inner: [3, 4], make: (x) => WeightNormalization(x) },
];

const unwrappedTensor = (tree: unknown): tf.Tensor => {
  const out = unwrap(tree);
  return out instanceof tf.Tensor ? out : (out as { x: tf.Tensor }).x;
};

describe.each(cases)("$name", ({ inner, make }) => {
  test.each(batchShapes.map((b) => [JSON.stringify(b), b] as const))(
    "batch shape %s: unwrap(stacked) is the stack of the unwrapped singles",
    (_label, batch) => {
      const n = size(batch);
      const innerSize = size(inner);
      const inputs = Array.from({ length: n }, (_, i) => tf.tensor(valuesFor(i, innerSize), inner));
      const singles = inputs.map(make);
      const stacked = stackNested(singles, batch);
      const out = unwrappedTensor(stacked);
      expect(out.shape).toEqual([...batch, ...inner]);
      const all = out.dataSync();
      const singleOuts = singles.map(unwrappedTensor);
      singleOuts.forEach((single, i) => {
        const expected = single.dataSync();
        for (let k = 0; k < innerSize; k++) {
          expect(Math.abs((all[i * innerSize + k] as number) - (expected[k] as number))).toBeLessThan(1e-6);
        }
      });
      // Index [0, ..., 0] explicitly, as the contract states it.
      const first = tf.tidy(() =>
        tf.reshape(
          tf.slice(
            out,
            batch.map(() => 0),
            [...batch.map(() => 1), ...inner],
          ),
          inner,
        ),
      );
      expect(Array.from(first.dataSync())).toEqual(Array.from(singleOuts[0]?.dataSync() ?? []));

      const created = singles.flatMap((s) => treeLeaves<tf.Tensor>(s)).filter((t) => !inputs.includes(t));
      const stackedLeaves = batch.length === 0 ? [] : treeLeaves<tf.Tensor>(stacked);
      tf.dispose([...inputs, ...created, ...stackedLeaves, out, first, ...singleOuts]);
    },
  );
});

describe("WeightNormalization built directly from a batched weight", () => {
  test.each(batchShapes.map((b) => [JSON.stringify(b), b] as const))(
    "batch shape %s: the same record as the stack of singles",
    (_label, batch) => {
      const inner = [3, 4];
      const n = size(batch);
      const inputs = Array.from({ length: n }, (_, i) => tf.tensor(valuesFor(i, 12), inner));
      const singles = inputs.map((x) => WeightNormalization(x));
      const weight = tf.tidy(() => tf.reshape(tf.stack(inputs), [...batch, ...inner]));
      const direct = WeightNormalization(weight);
      const raw = (direct.scale as unknown as Parameterize<tf.Tensor, [tf.Tensor]>).args[0];
      expect(raw.shape).toEqual([...batch, 3, 1]);
      const singleRaws = singles.map(
        (s) => (s.scale as unknown as Parameterize<tf.Tensor, [tf.Tensor]>).args[0],
      );
      const rawAll = raw.dataSync();
      singleRaws.forEach((r, i) => {
        Array.from(r.dataSync()).forEach((v, k) =>
          expect(Math.abs((rawAll[i * 3 + k] as number) - v)).toBeLessThan(1e-6),
        );
      });
      const out = unwrap(direct);
      const outAll = out.dataSync();
      singles.forEach((s, i) => {
        const one = unwrap(s);
        Array.from(one.dataSync()).forEach((v, k) =>
          expect(Math.abs((outAll[i * 12 + k] as number) - v)).toBeLessThan(1e-6),
        );
        one.dispose();
      });
      tf.dispose([...inputs, ...singleRaws, weight, raw, out]);
    },
  );
});
