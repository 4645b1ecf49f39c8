/**
 * Custom wrapper tags: a `Clip` wrapper and paramax's `RealToIncreasingOnInterval`, registered
 * next to the built-in wrappers and unwrapped with `unwrap(tree, { registry })`.
 *
 * A wrapper is three things: a record type that extends `Unwrappable<Tag, Out>` (so that
 * `Unwrapped` knows what it becomes), a constructor that returns a frozen record, and a
 * `WrapperSpec` (`tag`, the child fields, and an unwrap that assumes its children are already
 * unwrapped). `registerWrapper` returns a new registry; the tree functions and `unwrap` take it
 * as their `registry` option. Fields that are not children (`lo`, `hi`, `interval`, ...) are
 * static: they are part of the tree's structure, not leaves, so gradients and optimizers never
 * see them.
 *
 * The example fits the knots of an increasing-on-[0, 1] wrapper to targets by gradient descent
 * on the unconstrained parameters: whatever the step, the knots stay increasing, at least
 * `minWidth` apart, with the interval's endpoints fixed.
 *
 * Run: `npm run example:customWrapper`
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, unwrap } from "../src";
import { treeLeaves, treeStructure } from "../src";
import { registerWrapper, type Registry, type WrapperSpec } from "../src";
import { NonTrainable, Parameterize, defaultRegistry, type Unwrappable, type Unwrapped } from "../src";

// -------------------------------------------------------------------------------------
// Clip: a value clipped to [lo, hi] on unwrap
// -------------------------------------------------------------------------------------

export interface Clip extends Unwrappable<"Clip", tf.Tensor> {
  readonly value: tf.Tensor | Unwrappable<string, tf.Tensor>;
  readonly lo: number;
  readonly hi: number;
}

export function Clip(value: Clip["value"], lo: number, hi: number): Clip {
  if (!(lo <= hi)) throw new RangeError(`Clip: expected lo <= hi, got [${lo}, ${hi}]`);
  return Object.freeze({ _tag: "Clip", value, lo, hi });
}

export const clipSpec: WrapperSpec<Clip, tf.Tensor> = {
  tag: "Clip",
  children: ["value"],
  unwrap: ({ value, lo, hi }) => tf.clipByValue(value as tf.Tensor, lo, hi),
};

// -------------------------------------------------------------------------------------
// IncreasingOnInterval: paramax's RealToIncreasingOnInterval
// -------------------------------------------------------------------------------------

export type Endpoints = "both" | "neither" | "lower" | "upper";

/**
 * Maps an unconstrained vector `arr` (last axis, size d) to increasing points in
 * `[interval[0], interval[1]]`: widths `minWidth + free * softmax(arr)` (which fill the
 * interval), cumulated. The result has d + 1 points with both endpoints, d with one, d - 1 with
 * neither. Leading batch axes are kept.
 */
export interface IncreasingOnInterval extends Unwrappable<"IncreasingOnInterval", tf.Tensor> {
  readonly arr: tf.Tensor | Unwrappable<string, tf.Tensor>;
  readonly interval: readonly [number, number];
  readonly minWidth: number;
  readonly includeEndpoints: Endpoints;
}

export function IncreasingOnInterval(
  arr: tf.Tensor,
  interval: readonly [number, number],
  options: { readonly minWidth: number; readonly includeEndpoints: Endpoints },
): IncreasingOnInterval {
  const [lower, upper] = interval;
  const { minWidth, includeEndpoints } = options;
  const nWidths = arr.shape[arr.rank - 1] ?? 1;
  // The same checks as paramax, with the values in the message.
  if (!(minWidth > 0)) throw new RangeError(`IncreasingOnInterval: minWidth must be > 0, got ${minWidth}`);
  if (!(upper > lower))
    throw new RangeError(`IncreasingOnInterval: need interval[1] > interval[0], got [${lower}, ${upper}]`);
  if (minWidth * nWidths > upper - lower) {
    throw new RangeError(
      `IncreasingOnInterval: minWidth * ${nWidths} widths = ${minWidth * nWidths} does not fit in the interval of width ${upper - lower}`,
    );
  }
  return Object.freeze({
    _tag: "IncreasingOnInterval",
    arr,
    interval: Object.freeze([lower, upper] as const),
    minWidth,
    includeEndpoints,
  });
}

export const increasingSpec: WrapperSpec<IncreasingOnInterval, tf.Tensor> = {
  tag: "IncreasingOnInterval",
  children: ["arr"],
  unwrap: ({ arr, interval, minWidth, includeEndpoints }) =>
    tf.tidy(() => {
      const a = arr as tf.Tensor;
      const [lower, upper] = interval;
      const d = a.shape[a.rank - 1] as number;
      const batch = a.shape.slice(0, -1);
      const flat = tf.reshape(a, [-1, d]);
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
};

/** The built-in wrappers plus the two above. */
export const registry: Registry = registerWrapper(registerWrapper(defaultRegistry, clipSpec), increasingSpec);
export const unwrapCustom = <T>(t: T) => unwrap(t, { registry });

// -------------------------------------------------------------------------------------
// the example
// -------------------------------------------------------------------------------------

export interface CustomWrapperResult {
  readonly backend: string;
  /** The model's leaves under the extended registry (static fields are not leaves). */
  readonly leaves: number;
  /** The same count when the custom tags are unknown (records are ordinary objects then). */
  readonly leavesWithoutRegistry: number;
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
  type Out = Unwrapped<ReturnType<typeof model>>; // { knots: Tensor; gain: Tensor; offset: Tensor }

  const leaves = treeLeaves(model(arr, offset), { registry }).length;
  const leavesWithoutRegistry = treeLeaves(model(arr, offset)).length;
  const structure = treeStructure(model(arr, offset), { registry });

  const target = tf.tensor1d(targets);
  const lossOf = (a: tf.Tensor, o: tf.Tensor): tf.Scalar => {
    const out: Out = unwrapCustom(model(a, o));
    // The offset term would pull the offset to 0, but the offset is frozen: its gradient is 0.
    return tf.add<tf.Scalar>(
      tf.sum(tf.squaredDifference(out.knots, target)),
      tf.mul(1e-3, tf.square(out.offset)),
    );
  };
  const knotsOf = (a: tf.Tensor) =>
    tf.tidy(() => Array.from(unwrapCustom(model(a, offset)).knots.dataSync()));
  const gain = tf.tidy(() => unwrapCustom(model(arr, offset)).gain.dataSync()[0] as number);

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
  const otherInterval = treeStructure(
    {
      ...model(arr, offset),
      knots: IncreasingOnInterval(arr, [0, 2], { minWidth, includeEndpoints: "both" }),
    },
    { registry },
  );
  if (structure.equals(otherInterval)) throw new Error("static fields should be part of the structure");

  tf.dispose([arr, logGain, offset, target]);
  return {
    backend: tf.getBackend(),
    leaves,
    leavesWithoutRegistry,
    gain,
    targets,
    initialKnots,
    knots,
    initialLoss,
    finalLoss,
    steps,
    alwaysValid,
    frozenGrad,
    leaked: tf.memory().numTensors - before,
  };
}

if (require.main === module) {
  main().then(
    (r) => {
      const fmt = (xs: number[]) => `[${xs.map((x) => x.toFixed(3)).join(", ")}]`;
      console.log(
        `backend ${r.backend}; ${r.leaves} leaves with the custom registry, ${r.leavesWithoutRegistry} without`,
      );
      console.log(`gain exp(3) clipped to [0, 2]: ${r.gain}`);
      console.log(
        `knots ${fmt(r.initialKnots)} -> ${fmt(r.knots)} (targets ${fmt(r.targets)}) in ${r.steps} steps`,
      );
      console.log(
        `loss ${r.initialLoss.toFixed(5)} -> ${r.finalLoss.toFixed(5)}; always valid: ${r.alwaysValid}`,
      );
      console.log(`gradient at the frozen offset: ${r.frozenGrad}; leaked tensors: ${r.leaked}`);
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
