/**
 * Custom wrappers with `defineWrapper`: a `Clip` wrapper and paramax's
 * `RealToIncreasingOnInterval`, used with plain `unwrap` and the tree functions, saved and loaded.
 *
 * A wrapper is one call: `defineWrapper({ tag, children, unwrap })` returns a constructor of
 * frozen records. Its `unwrap` receives the record with its children already unwrapped and
 * declares, by its parameter and result types, what the record holds and what it becomes (so
 * `Unwrapped` knows). Fields that are not children (`lo`, `hi`, `interval`, ...) are static: they
 * are part of the tree's structure, not leaves, so gradients and optimizers never see them.
 *
 * No registry is needed to use them: `unwrap`, `treeLeaves`, `treeMap`, `partition`, `treeAt`
 * and the codec's encoder know the records by their constructor. A registry is needed only to
 * decode a document that holds them (`registerWrapper(defaultRegistry, Clip.spec)`: the decoder
 * must know which tags to trust), and a registry entry for the same tag overrides the behaviour.
 *
 * The example fits the knots of an increasing-on-[0, 1] wrapper to targets by gradient descent
 * on the unconstrained parameters: whatever the step, the knots stay increasing, at least
 * `minWidth` apart, with the interval's endpoints fixed. Then it saves the model and loads it.
 *
 * Run: `npm run example:customWrapper`
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { initBackend, unwrap, unwrapping } from "../src";
import { parseTree, stringifyTree, treeLeaves, treeStructure } from "../src";
import { defineWrapper, registerWrapper, type Registry } from "../src";
import { NonTrainable, Parameterize, defaultRegistry, type KnownUnwrappable, type Unwrapped } from "../src";

// -------------------------------------------------------------------------------------
// Clip: a value clipped to [lo, hi] on unwrap
// -------------------------------------------------------------------------------------

/** The record constructor: `ClipWrapper({ value, lo, hi })`. */
export const ClipWrapper = defineWrapper({
  tag: "Clip",
  children: ["value"],
  unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
});

/** A positional constructor that also checks its static fields. */
export function Clip(value: tf.Tensor | KnownUnwrappable<string, tf.Tensor>, lo: number, hi: number) {
  if (!(lo <= hi)) throw new RangeError(`Clip: expected lo <= hi, got [${lo}, ${hi}]`);
  return ClipWrapper({ value, lo, hi });
}

// -------------------------------------------------------------------------------------
// IncreasingOnInterval: paramax's RealToIncreasingOnInterval
// -------------------------------------------------------------------------------------

export type Endpoints = "both" | "neither" | "lower" | "upper";

/** What the unwrap of an IncreasingOnInterval receives (its child `arr` already unwrapped). */
interface IncreasingFields {
  readonly arr: tf.Tensor;
  readonly interval: readonly [number, number];
  readonly minWidth: number;
  readonly includeEndpoints: Endpoints;
}

/**
 * Maps an unconstrained vector `arr` (last axis, size d) to increasing points in
 * `[interval[0], interval[1]]`: widths `minWidth + free * softmax(arr)` (which fill the
 * interval), cumulated. The result has d + 1 points with both endpoints, d with one, d - 1 with
 * neither. Leading batch axes are kept.
 */
export const IncreasingWrapper = defineWrapper({
  tag: "IncreasingOnInterval",
  children: ["arr"],
  unwrap: ({ arr, interval, minWidth, includeEndpoints }: IncreasingFields) =>
    tf.tidy(() => {
      const [lower, upper] = interval;
      const d = arr.shape[arr.rank - 1] as number;
      const batch = arr.shape.slice(0, -1);
      const flat = tf.reshape(arr, [-1, d]);
      const free = upper - lower - minWidth * d;
      const widths = tf.add(minWidth, tf.mul(free, tf.softmax(flat)));
      const inner = tf.add(lower, tf.slice(tf.cumsum(widths, 1), [0, 0], [-1, d - 1]));
      const rows = flat.shape[0];
      const parts: tf.Tensor[] = [];
      if (includeEndpoints === "lower" || includeEndpoints === "both") parts.push(tf.fill([rows, 1], lower));
      parts.push(inner);
      if (includeEndpoints === "upper" || includeEndpoints === "both") parts.push(tf.fill([rows, 1], upper));
      const points = tf.concat(parts, 1);
      return tf.reshape(points, [...batch, points.shape[1] as number]);
    }),
});

/** A constructor with paramax's checks, with the values in the message. */
export function IncreasingOnInterval(
  arr: tf.Tensor,
  interval: readonly [number, number],
  options: { readonly minWidth: number; readonly includeEndpoints: Endpoints },
) {
  const [lower, upper] = interval;
  const { minWidth, includeEndpoints } = options;
  const nWidths = arr.shape[arr.rank - 1] ?? 1;
  if (!(minWidth > 0)) throw new RangeError(`IncreasingOnInterval: minWidth must be > 0, got ${minWidth}`);
  if (!(upper > lower))
    throw new RangeError(`IncreasingOnInterval: need interval[1] > interval[0], got [${lower}, ${upper}]`);
  if (minWidth * nWidths > upper - lower) {
    throw new RangeError(
      `IncreasingOnInterval: minWidth * ${nWidths} widths = ${minWidth * nWidths} does not fit in the interval of width ${upper - lower}`,
    );
  }
  return IncreasingWrapper({
    arr,
    interval: Object.freeze([lower, upper] as const),
    minWidth,
    includeEndpoints,
  });
}

/** The specs, for whoever needs to name them (a registry for the codec, an override). */
export const clipSpec = ClipWrapper.spec;
export const increasingSpec = IncreasingWrapper.spec;

/** What a decoder needs to load documents holding these wrappers: the built-ins plus the two above. */
export const registry: Registry = registerWrapper(registerWrapper(defaultRegistry, clipSpec), increasingSpec);

// -------------------------------------------------------------------------------------
// the example
// -------------------------------------------------------------------------------------

export interface CustomWrapperResult {
  readonly backend: string;
  /** The model's leaves, without any registry (static fields are not leaves). */
  readonly leaves: number;
  /** The gain, exp(3) ≈ 20 clipped to [0, 2]. */
  readonly gain: number;
  readonly targets: number[];
  readonly initialKnots: number[];
  readonly knots: number[];
  readonly initialLoss: number;
  readonly finalLoss: number;
  readonly steps: number;
  /** After every step: increasing, gaps >= minWidth, endpoints exact. */
  readonly alwaysValid: boolean;
  /** Gradient reaching the frozen (NonTrainable) part: exactly 0. */
  readonly frozenGrad: number;
  /** The trained model saved as JSON (no registry needed) and loaded with the specs registered. */
  readonly loadedKnots: number[];
  /** Loading without the specs is refused (the decoder only trusts tags it is given). */
  readonly loadWithoutSpecsFails: boolean;
  readonly leaked: number;
}

const minWidth = 0.05;

function valid(knots: number[]): boolean {
  if (knots[0] !== 0 || Math.abs((knots[knots.length - 1] as number) - 1) > 1e-6) return false;
  for (let i = 1; i < knots.length; i++) {
    if ((knots[i] as number) - (knots[i - 1] as number) < minWidth - 1e-6) return false;
  }
  return true;
}

export async function main(options: { quick?: boolean } = {}): Promise<CustomWrapperResult> {
  await initBackend();
  const before = tf.memory().numTensors;
  const steps = options.quick === true ? 40 : 400;
  const targets = [0, 0.1, 0.15, 0.7, 1];

  let arr = tf.zeros([targets.length - 1]);
  const logGain = tf.scalar(3);
  const offset = tf.scalar(0.5);
  const model = (a: tf.Tensor, o: tf.Tensor) => ({
    knots: IncreasingOnInterval(a, [0, 1], { minWidth, includeEndpoints: "both" }),
    gain: Clip(Parameterize(tf.exp, logGain), 0, 2),
    offset: NonTrainable(Clip(o, -1, 1)),
  });
  type Model = ReturnType<typeof model>;

  const leaves = treeLeaves(model(arr, offset)).length;
  const structure = treeStructure(model(arr, offset));

  const target = tf.tensor1d(targets);
  // Written once against plain tensors; `unwrapping` unwraps and disposes the intermediates.
  const loss = unwrapping((p: Unwrapped<Model>): tf.Scalar =>
    // The offset term would pull the offset to 0, but the offset is frozen: its gradient is 0.
    tf.add<tf.Scalar>(tf.sum(tf.squaredDifference(p.knots, target)), tf.mul(1e-3, tf.square(p.offset))),
  );
  const lossOf = (a: tf.Tensor, o: tf.Tensor): tf.Scalar => loss(model(a, o));
  const knotsOf = (a: tf.Tensor) => tf.tidy(() => Array.from(unwrap(model(a, offset)).knots.dataSync()));
  const gain = tf.tidy(() => unwrap(model(arr, offset)).gain.dataSync()[0] as number);

  const initialKnots = knotsOf(arr);
  const initialLoss = tf.tidy(() => lossOf(arr, offset).dataSync()[0] as number);
  let alwaysValid = valid(initialKnots);
  let frozenGrad = NaN;
  for (let step = 0; step < steps; step++) {
    const next = tf.tidy(() => {
      const [gArr, gOffset] = tf.grads(lossOf)([arr, offset]);
      if (step === 0) frozenGrad = (gOffset as tf.Tensor).dataSync()[0] as number;
      return tf.sub(arr, tf.mul(0.5, gArr as tf.Tensor));
    });
    arr.dispose();
    arr = next;
    alwaysValid &&= valid(knotsOf(arr));
  }
  const knots = knotsOf(arr);
  const finalLoss = tf.tidy(() => lossOf(arr, offset).dataSync()[0] as number);
  // Static fields are part of the structure: another interval is another structure.
  const otherInterval = treeStructure({
    ...model(arr, offset),
    knots: IncreasingOnInterval(arr, [0, 2], { minWidth, includeEndpoints: "both" }),
  });
  if (structure.equals(otherInterval)) throw new Error("static fields should be part of the structure");

  // Save: the encoder knows the records by their constructor. Load: the decoder needs the specs.
  const text = stringifyTree(model(arr, offset));
  const loadWithoutSpecsFails = E.isLeft(parseTree(text));
  const loaded = parseTree(text, { registry });
  if (E.isLeft(loaded)) throw new Error("the saved model did not load");
  const loadedModel = loaded.right as Model;
  const loadedKnots = tf.tidy(() => Array.from(unwrap(loadedModel).knots.dataSync()));

  tf.dispose(treeLeaves(loadedModel).filter((x): x is tf.Tensor => x instanceof tf.Tensor));
  tf.dispose([arr, logGain, offset, target]);
  return {
    backend: tf.getBackend(),
    leaves,
    gain,
    targets,
    initialKnots,
    knots,
    initialLoss,
    finalLoss,
    steps,
    alwaysValid,
    frozenGrad,
    loadedKnots,
    loadWithoutSpecsFails,
    leaked: tf.memory().numTensors - before,
  };
}

if (require.main === module) {
  main().then(
    (r) => {
      const fmt = (xs: number[]) => `[${xs.map((x) => x.toFixed(3)).join(", ")}]`;
      console.log(`backend ${r.backend}; ${r.leaves} leaves, no registry needed`);
      console.log(`gain exp(3) clipped to [0, 2]: ${r.gain}`);
      console.log(
        `knots ${fmt(r.initialKnots)} -> ${fmt(r.knots)} (targets ${fmt(r.targets)}) in ${r.steps} steps`,
      );
      console.log(
        `loss ${r.initialLoss.toFixed(5)} -> ${r.finalLoss.toFixed(5)}; always valid: ${r.alwaysValid}`,
      );
      console.log(
        `saved and loaded: knots ${fmt(r.loadedKnots)}; loading without the specs refused: ${r.loadWithoutSpecsFails}`,
      );
      console.log(`gradient at the frozen offset: ${r.frozenGrad}; leaked tensors: ${r.leaked}`);
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
