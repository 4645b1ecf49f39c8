/**
 * What the decoder checks of the built-in wrappers beyond their fields: what their constructors
 * refuse, so that a document cannot hand back a record no constructor would build.
 *
 * - `WeightNormalization`: `weight` must be (or unwrap to) a float32 tensor of rank >= 1, as the
 *   constructor checks, and `scale` a float32 tensor of the weight's shape with a last axis of 1,
 *   as the constructor builds it (`unwrap` multiplies the two: another shape would broadcast to a
 *   wrong value or fail only then).
 * - `Parameterize` with the library's `scaledSigmoid` or `increasingFromLogits` (what `bounded`
 *   and `increasingOnInterval` write): its arguments must be `[raw, lo, hi]` with finite numbers
 *   `lo < hi`, as those constructors check.
 * - `Parameterize` with the library's `lowerTriangle` or `choleskyFactor` (`lowerTriangular`,
 *   `cholesky`): the raw leaf must be square matrices in its last two axes; with
 *   `simplexFromLogits` or `increasingFromLogits` (`simplex`, `increasingOnInterval`): it must
 *   have a last axis. Their constructors build nothing else, and unwrap would fail.
 *
 * Nothing is unwrapped: what a child unwraps to is read from the document (a tensor node's dtype
 * and shape, through `NonTrainable`, `WeightNormalization` and `Parameterize` of an elementwise
 * function of the default table). Whatever cannot be known so (a user's function, a custom
 * wrapper) is accepted here and met by `unwrap`.
 *
 * @internal
 * @module
 */
import { increasingFromLogits } from "../tensor/increasing";
import { scaledSigmoid } from "../tensor/scaledSigmoid";
import { simplexFromLogits } from "../tensor/simplex";
import { choleskyFactor, lowerTriangle } from "../tensor/triangular";
import { specialNumberValue } from "./format";
import { defaultFunctions, type ResolvedFunctions } from "./functions";
import { describeValue } from "./tensor";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What a document value unwraps to, as far as the document says: a tensor, or something else. */
export type Known =
  | {
      readonly kind: "tensor";
      /** `undefined` when a function may have changed it. */
      readonly dtype: string | undefined;
      readonly shape: readonly number[];
      /** Its description for a message, made only when one is written. */
      readonly what: () => string;
    }
  | { readonly kind: "other"; readonly what: () => string };

/** A problem of a built-in record: at its child `field` (its element `index`), what is wrong. */
export interface BuiltinProblem {
  readonly field: string;
  /** The element of the (array) field, when the problem is one element. */
  readonly index?: number;
  readonly message: string;
}

/**
 * The default table's functions that keep the shape of their first argument (elementwise, or
 * along an axis like `softmax`), and float32 in, float32 out.
 */
const shapeKeeping: ReadonlySet<unknown> = new Set(
  Object.entries(defaultFunctions)
    .filter(
      ([name]) =>
        // simplexFromLogits adds an entry to the last axis
        name !== "simplexFromLogits",
    )
    .map(([, fn]) => fn),
);

/**
 * The functions of the constraints whose first argument (the raw leaf) has a shape the
 * constructor guarantees: its name, the constructor, and whether it is square matrices (else
 * rank >= 1).
 */
const rawShapes: ReadonlyMap<unknown, readonly [string, string, boolean]> = new Map<
  unknown,
  readonly [string, string, boolean]
>([
  [lowerTriangle, ["lowerTriangle", "lowerTriangular", true]],
  [choleskyFactor, ["choleskyFactor", "cholesky", true]],
  [simplexFromLogits, ["simplexFromLogits", "simplex", false]],
  [increasingFromLogits, ["increasingFromLogits", "increasingOnInterval", false]],
]);

/** The functions of the interval constraints, by the constructor that writes them. */
const intervalFunctions: ReadonlyMap<unknown, readonly [string, string]> = new Map<
  unknown,
  readonly [string, string]
>([
  [scaledSigmoid, ["scaledSigmoid", "bounded"]],
  [increasingFromLogits, ["increasingFromLogits", "increasingOnInterval"]],
]);

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

/**
 * The checks of one decode. `close` is called when a built-in record's children have been
 * decoded (children before their parents). What a child unwraps to is read down its chain of
 * wrappers; a `WeightNormalization` that passed is remembered, so that a chain stops at it and
 * nothing is walked twice however records nest.
 */
export class BuiltinChecks {
  /** Records already read: what they unwrap to, `null` when the document does not say. */
  private readonly known = new Map<object, Known | null>();

  /** `isBuiltin(tag)`: whether the registry's spec of `tag` is the built-in one. */
  constructor(
    private readonly functions: ResolvedFunctions,
    private readonly isBuiltin: (tag: string) => boolean,
  ) {}

  /** The problems of the record `node` (a document node of the built-in `tag`). */
  close(tag: string, node: Record<string, unknown>): BuiltinProblem[] {
    if (tag === "WeightNormalization") return this.closeWeightNormalization(node);
    if (tag === "Parameterize") return this.closeParameterize(node);
    return [];
  }

  private closeWeightNormalization(node: Record<string, unknown>): BuiltinProblem[] {
    const problems: BuiltinProblem[] = [];
    const weight = this.knownOf(node["weight"]);
    const weightOk =
      weight?.kind === "tensor" &&
      (weight.dtype === undefined || weight.dtype === "float32") &&
      weight.shape.length >= 1;
    if (weight !== undefined && !weightOk) {
      problems.push({
        field: "weight",
        message: `expected a float32 tensor of rank >= 1 (or a wrapper that unwraps to one), as WeightNormalization requires, got ${weight.what()}`,
      });
    }
    const weightShape = weightOk ? weight.shape : undefined;
    const shape = weightShape === undefined ? undefined : [...weightShape.slice(0, -1), 1];
    const scale = this.knownOf(node["scale"]);
    if (
      scale !== undefined &&
      (scale.kind !== "tensor" ||
        (scale.dtype !== undefined && scale.dtype !== "float32") ||
        (shape !== undefined && !sameShape(scale.shape, shape)))
    ) {
      const expected =
        shape === undefined || weightShape === undefined
          ? "a float32 tensor"
          : `a float32 tensor of shape [${shape.join(", ")}] (the weight's shape [${weightShape.join(", ")}] with a last axis of 1)`;
      problems.push({
        field: "scale",
        message: `expected ${expected} or a wrapper that unwraps to one, as WeightNormalization builds its scale, got ${scale.what()}`,
      });
    }
    this.known.set(
      node,
      weightShape !== undefined && problems.length === 0
        ? {
            kind: "tensor",
            dtype: "float32",
            shape: weightShape,
            what: () =>
              `a WeightNormalization that unwraps to a float32 tensor of shape [${weightShape.join(", ")}]`,
          }
        : null,
    );
    return problems;
  }

  private closeParameterize(node: Record<string, unknown>): BuiltinProblem[] {
    const fn = this.functionOf(node["fn"]);
    const args = node["args"];
    if (fn === undefined || !Array.isArray(args)) return [];
    const interval = intervalFunctions.get(fn);
    if (interval !== undefined) {
      const [name, constructor] = interval;
      if (args.length !== 3) {
        return [
          {
            field: "args",
            message: `${name} takes [raw, lo, hi] (as ${constructor} writes it), got ${args.length} argument${args.length === 1 ? "" : "s"}`,
          },
        ];
      }
      const [lo, hi] = [numberOf(args[1]), numberOf(args[2])];
      if (
        lo === undefined ||
        hi === undefined ||
        !Number.isFinite(lo) ||
        !Number.isFinite(hi) ||
        !(lo < hi)
      ) {
        return [
          {
            field: "args",
            message: `${name} needs finite numbers lo < hi (as ${constructor} checks), got lo = ${lo === undefined ? describeValue(args[1]) : String(lo)}, hi = ${hi === undefined ? describeValue(args[2]) : String(hi)}`,
          },
        ];
      }
    }
    const raw = rawShapes.get(fn);
    if (raw !== undefined && args.length >= 1) {
      const [name, constructor, square] = raw;
      const arg = this.knownOf(args[0]);
      // Remembered, so that a chain of these is read once (the records around stop here).
      this.known.set(node, arg?.kind === "tensor" && shapeKeeping.has(fn) ? describedAs(arg, 0, true) : null);
      const ok =
        arg === undefined ||
        (arg.kind === "tensor" &&
          (square
            ? arg.shape.length >= 2 && arg.shape[arg.shape.length - 1] === arg.shape[arg.shape.length - 2]
            : arg.shape.length >= 1));
      if (!ok) {
        const expected = square
          ? "a tensor of square matrices in its last two axes"
          : "a tensor with a last axis (rank >= 1)";
        return [
          {
            field: "args",
            index: 0,
            message: `${name} needs ${expected}, as ${constructor} builds it, got ${arg.what()}`,
          },
        ];
      }
    }
    return [];
  }

  /**
   * What the document value `x` unwraps to, or `undefined` when the document does not say: read
   * through `NonTrainable` (which keeps it) and `Parameterize` of a shape-keeping function of the
   * default table (which keeps the shape of its first argument), in a loop (chains may be deep).
   */
  knownOf(x: unknown): Known | undefined {
    let cur = x;
    let frozen = 0; // the NonTrainable records around, outermost first
    let parameterized = false; // whether a Parameterize is in the chain (then dtype is float32 or unknown)
    for (;;) {
      const found = this.knownHere(cur);
      if (found === "Parameterize" || found === "NonTrainable") {
        const node = cur as Record<string, unknown>;
        if (found === "NonTrainable") {
          if (!parameterized) frozen++;
          cur = node["tree"];
          continue;
        }
        const fn = this.functionOf(node["fn"]);
        const args = node["args"];
        if (!shapeKeeping.has(fn) || !Array.isArray(args) || args.length === 0) return undefined;
        parameterized = true;
        cur = typeof args[0] === "number" ? scalarNode : args[0];
        continue;
      }
      if (found === undefined || (parameterized && found.kind === "other")) return undefined;
      if (!parameterized && frozen === 0) return found;
      return describedAs(found, frozen, parameterized);
    }
  }

  /** What `x` itself is, or the built-in wrapper to look through. */
  private knownHere(x: unknown): Known | "Parameterize" | "NonTrainable" | undefined {
    if (x === null || typeof x !== "object") {
      return { kind: "other", what: () => (x === null ? "null" : `the ${typeof x} ${describeValue(x)}`) };
    }
    if (Array.isArray(x)) return { kind: "other", what: () => describeValue(x) };
    const node = x as Record<string, unknown>;
    if (!Object.prototype.hasOwnProperty.call(node, "_tag"))
      return { kind: "other", what: () => describeValue(node) };
    const tag = node["_tag"];
    switch (tag) {
      case "Tensor":
        return tensorOf(node);
      case "Object":
        return { kind: "other", what: () => describeValue(node["fields"]) };
      case "Function":
        return { kind: "other", what: () => "a function" };
      case "Undefined":
        return { kind: "other", what: () => "undefined" };
      case "Number": {
        const n = specialNumberValue(node["value"]);
        return n === undefined ? undefined : { kind: "other", what: () => `the number ${describeValue(n)}` };
      }
      case "NonTrainable":
        return this.isBuiltin(tag) ? tag : undefined;
      case "Parameterize":
        if (this.known.has(node)) return this.known.get(node) ?? undefined;
        return this.isBuiltin(tag) ? tag : undefined;
      case "WeightNormalization":
        return this.known.get(node) ?? undefined;
    }
    return undefined;
  }

  private functionOf(x: unknown): unknown {
    if (x === null || typeof x !== "object") return undefined;
    const name = (x as Record<string, unknown>)["name"];
    return typeof name === "string" ? this.functions.byName.get(name) : undefined;
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** A tensor node's dtype and shape, when they are well formed (else the decoder says why). */
function tensorOf(node: Record<string, unknown>): Known | undefined {
  const dtype = node["dtype"];
  const shape = node["shape"];
  if (
    (dtype !== "float32" && dtype !== "int32" && dtype !== "bool") ||
    !Array.isArray(shape) ||
    !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
  ) {
    return undefined;
  }
  const dims = shape as number[];
  return {
    kind: "tensor",
    dtype,
    shape: dims,
    what: () => `${dtype === "int32" ? "an" : "a"} ${dtype} tensor of shape [${dims.join(", ")}]`,
  };
}

/** A number as `Parameterize`'s first argument: tf makes a float32 scalar of it. */
const scalarNode = { _tag: "Tensor", dtype: "float32", shape: [] };

/** `found` seen through `frozen` NonTrainable records and, if `parameterized`, a Parameterize. */
function describedAs(found: Known, frozen: number, parameterized: boolean): Known {
  // A deep chain is told by its depth, not word by word.
  const prefix = frozen <= 3 ? "a NonTrainable of ".repeat(frozen) : `${frozen} nested NonTrainables of `;
  if (found.kind === "other") return { kind: "other", what: () => `${prefix}${found.what()}` };
  if (!parameterized) return { ...found, what: () => `${prefix}${found.what()}` };
  const dtype = found.dtype === "float32" ? "float32" : undefined;
  return {
    kind: "tensor",
    dtype,
    shape: found.shape,
    what: () =>
      `${prefix}a Parameterize that unwraps to ${dtype === undefined ? "a tensor" : "a float32 tensor"} of shape [${found.shape.join(", ")}]`,
  };
}

/** A number argument as the document writes it: plain, or a Number node (`"Infinity"`). */
function numberOf(x: unknown): number | undefined {
  if (typeof x === "number") return x;
  if (x !== null && typeof x === "object" && (x as Record<string, unknown>)["_tag"] === "Number")
    return specialNumberValue((x as Record<string, unknown>)["value"]);
  return undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
