/**
 * What every load of a tree with separate weights shares, whatever holds the bytes (a side file
 * in Node, tfjs's `weightData` from any `tf.io` handler): the check of one weight spec (name,
 * dtype, shape, no quantization), and the decode around reading the weights (the tree checked
 * against placeholders before a tensor is made, every tensor disposed when anything fails, the
 * weights the tree does not use disposed after). Platform-free: no Node built-in.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import type * as t from "io-ts";
import { crc32Update } from "./crc32";
import { decodeDocument, type DecodeContext, type LoadedWeight } from "./decode";
import {
  checkShape,
  describeValue,
  isSupportedDtype,
  unsupportedDtypeMessage,
  type SupportedDtype,
} from "./tensor";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A weight spec that checked out. */
export interface CheckedWeightSpec {
  readonly name: string;
  readonly dtype: SupportedDtype;
  readonly shape: readonly number[];
  /** The number of elements. */
  readonly size: number;
}

/**
 * Reports a problem with a spec's `field` (whose value is `actual`); `index` is the dimension
 * for a problem in the shape.
 */
export type WeightSpecProblem = (field: string, actual: unknown, message: string, index?: number) => void;

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

/**
 * Checks one weight spec `{ name, shape, dtype }`: the name a string not seen before (it is added
 * to `names`), the dtype one paramtree stores, the shape valid, no quantization, and, when
 * `fields` is given, no field outside it. Reports every problem through `fail`; returns the
 * checked spec, or undefined when there was a problem.
 */
export function checkWeightSpec(
  spec: Record<string, unknown>,
  names: Set<string>,
  fail: WeightSpecProblem,
  fields?: readonly string[],
): CheckedWeightSpec | undefined {
  let ok = true;
  for (const key of Object.keys(spec)) {
    if (key === "quantization") {
      if (spec[key] === undefined) continue;
      fail(key, spec[key], "quantized weights are not supported");
      ok = false;
    } else if (fields !== undefined && !fields.includes(key)) {
      fail(
        key,
        spec[key],
        `unexpected field ${JSON.stringify(key)} in a weight (expected name, shape, dtype)`,
      );
      ok = false;
    }
  }
  const name = spec["name"];
  if (typeof name !== "string") {
    fail("name", name, `expected a weight name (a string), got ${describeValue(name)}`);
    ok = false;
  } else if (names.has(name)) {
    fail("name", name, `the weight name ${JSON.stringify(name)} appears twice`);
    ok = false;
  } else {
    names.add(name);
  }
  const dtype = spec["dtype"];
  if (!isSupportedDtype(dtype)) {
    fail("dtype", dtype, unsupportedDtypeMessage(dtype));
    ok = false;
  }
  const shape = spec["shape"];
  const checked = checkShape(shape);
  if ("problems" in checked) {
    for (const p of checked.problems) fail("shape", shape, p.message, p.index);
    return undefined;
  }
  if (!ok || !isSupportedDtype(dtype)) return undefined;
  return { name: name as string, dtype, shape: (shape as number[]).slice(), size: checked.size };
}

/**
 * What is wrong with the options object of `who` (`"saveTree"`, `"loadTree"`), as far as the codec
 * options go (`registry`, `functions`, `maxNodes`); undefined when nothing is. Checked before
 * anything else, so that a wrong type is named instead of surfacing as a raw TypeError deep inside
 * (`registry: 5` would fail on `registry.specs.has`). Unknown keys are not refused: one options
 * object may serve saveTree and loadTree.
 *
 * @example
 * codecOptionsProblem({ registry: 5 }, "saveTree");
 * // "saveTree: options.registry must be a Registry (such as defaultRegistry, or one made with registerRecord), got 5"
 * codecOptionsProblem(undefined, "loadTree"); // undefined
 */
export function codecOptionsProblem(options: unknown, who: string): string | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    return `${who}: the options must be an object, got ${describeValue(options)}`;
  }
  const o = options as Record<string, unknown>;
  const registry = o["registry"];
  if (registry !== undefined && !isRegistry(registry)) {
    return `${who}: options.registry must be a Registry (such as defaultRegistry, or one made with registerRecord), got ${describeValue(registry)}`;
  }
  const functions = o["functions"];
  if (
    functions !== undefined &&
    (functions === null || typeof functions !== "object" || Array.isArray(functions))
  ) {
    return `${who}: options.functions must be an object of functions by name, got ${describeValue(functions)}`;
  }
  const maxNodes = o["maxNodes"];
  if (
    maxNodes !== undefined &&
    !(typeof maxNodes === "number" && Number.isInteger(maxNodes) && maxNodes > 0)
  ) {
    return `${who}: options.maxNodes must be a positive integer, got ${describeValue(maxNodes)}`;
  }
  return undefined;
}

/** What `who` says about a wrong option `key` that must be true or false; undefined when it is. */
export function booleanOptionProblem(options: unknown, key: string, who: string): string | undefined {
  const value = options === undefined ? undefined : (options as Record<string, unknown>)[key];
  return value === undefined || typeof value === "boolean"
    ? undefined
    : `${who}: options.${key} must be true or false, got ${describeValue(value)}`;
}

function isRegistry(x: unknown): boolean {
  if (x === null || typeof x !== "object") return false;
  const r = x as Record<string, unknown>;
  const isMap = (m: unknown): boolean =>
    m !== null && typeof m === "object" && typeof (m as Map<unknown, unknown>).has === "function";
  return r["_tag"] === "Registry" && isMap(r["specs"]) && isMap(r["types"]);
}

/**
 * The CRC-32 of what maps weight bytes to tensors: each weight's name, shape and dtype, in order
 * (the UTF-8 of the JSON text `[{"name":..,"shape":..,"dtype":..},...]`). A checksum of the bytes
 * alone misses two weights of one shape swapped in the specs.
 *
 * @example
 * weightSpecsCrc32([{ name: "a", shape: [2], dtype: "float32" }]) === weightSpecsCrc32([{ name: "a", shape: [2], dtype: "float32" }]); // true
 */
export function weightSpecsCrc32(
  specs: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: string }[],
): number {
  const text = JSON.stringify(specs.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })));
  return crc32Update(0, new TextEncoder().encode(text));
}

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

/**
 * Decodes the document `json` (at `root`) whose tensors are the weights `specs`: checks the tree
 * against the specs before a tensor exists, then lets `read` make the tensors into the map it is
 * given (returning problems, or undefined), then decodes. When `read` or the decode fails, every
 * tensor made is disposed; after a success, the weights the tree does not use are.
 */
export async function decodeWithWeights(
  json: unknown,
  root: t.Context,
  ctx: Omit<DecodeContext, "weights" | "usedWeights" | "checkOnly">,
  specs: Iterable<Pick<CheckedWeightSpec, "name" | "dtype" | "shape">>,
  read: (out: Map<string, LoadedWeight>) => Promise<t.Errors | undefined> | t.Errors | undefined,
): Promise<E.Either<t.Errors, unknown>> {
  const placeholders = new Map<string, LoadedWeight>();
  for (const w of specs)
    placeholders.set(w.name, { dtype: w.dtype, shape: w.shape, tensor: null as unknown as tf.Tensor });
  const checked = decodeDocument(json, root, { ...ctx, weights: placeholders, checkOnly: true });
  if (E.isLeft(checked)) return checked;
  const weights = new Map<string, LoadedWeight>();
  const disposeAll = (): void => {
    for (const w of weights.values()) w.tensor.dispose();
  };
  let problems: t.Errors | undefined;
  try {
    problems = await read(weights);
  } catch (cause) {
    disposeAll();
    throw cause;
  }
  if (problems !== undefined) {
    disposeAll();
    return E.left(problems);
  }
  const usedWeights = new Set<string>();
  const result = decodeDocument(json, root, { ...ctx, weights, usedWeights });
  if (E.isLeft(result)) {
    disposeAll();
    return result;
  }
  for (const [name, w] of weights) if (!usedWeights.has(name)) w.tensor.dispose();
  return result;
}
