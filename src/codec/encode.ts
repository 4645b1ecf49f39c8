/**
 * Encoding: a tree to the JSON of a document, on an explicit stack (depth 100,000 is fine).
 *
 * Every value has one encoding, used for tree nodes and static fields alike:
 *
 * | value                                   | JSON                                                  |
 * |-----------------------------------------|-------------------------------------------------------|
 * | null, boolean, string, finite number    | itself                                                |
 * | NaN, Infinity, -Infinity, -0            | `{ "_tag": "Number", "value": "NaN" }` (etc.)         |
 * | undefined                               | `{ "_tag": "Undefined" }`                             |
 * | array (without holes)                   | array                                                 |
 * | plain object without a `_tag` key       | object                                                |
 * | record with a registered `_tag`         | `{ "_tag": tag, ...fields }` (children and statics)   |
 * | plain object with another `_tag` key    | `{ "_tag": "Object", "fields": { ... } }`             |
 * | tensor (float32, int32, bool)           | `{ "_tag": "Tensor", "dtype", "shape", "data" }`      |
 * | the same tensor at several places       | each node as above with `"shared": i` (format 1.1)    |
 * | function in the function table          | `{ "_tag": "Function", "name": "softplus" }`          |
 *
 * Anything else (other functions, class instances, typed arrays, bigints, symbols, complex64 or
 * string tensors, disposed tensors, cycles) is a problem reported with its key path, and so is a
 * node that breaks the engine's node rules (`core/rules.ts`: a hole in an array, a symbol-keyed,
 * non-enumerable or accessor property), checked with the engine's own check so that what every
 * tree function refuses is never written silently changed (a hole as `undefined`, a dropped
 * property, a getter's value of the moment). A getter is never run.
 *
 * @internal
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { keystr, type Key, type KeyPath } from "../core/keyPath";
import type { Registry } from "../core/registry";
import { ownSpecOf } from "../core/ownSpecs";
import { NodeRuleError, checkOrdinaryNow, firstHole } from "../core/rules";
import { TreeEncodeError, type EncodeProblem } from "./errors";
import type { AnyFunction, ResolvedFunctions } from "./functions";
import { defaultRegistry } from "../wrappers/defaultRegistry";
import { BuiltinChecks } from "./builtinChecks";
import { builtinFields, setOwn } from "./internal";
import { specialNumberText } from "./format";
import type { JsonValue } from "./json";
import { describeValue, encodeTensor, isSupportedDtype, isTensorValue, supportedDtypes } from "./tensor";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How tensors are written: `inline` as base64 `data`; `external` as a `weight` name, collecting
 * the tensors for a binary side file; `deferred` as a `data` placeholder (see
 * {@link EncodeContext.placeholder}), collecting the tensors so that the caller writes their
 * base64 one at a time into the text; `check` writes nothing and only checks they can be.
 */
export type TensorMode = "inline" | "external" | "deferred" | "check";

export interface EncodeContext {
  readonly registry: Registry;
  readonly functions: ResolvedFunctions;
  readonly tensors: TensorMode;
  /** Stop with a problem once the tree has more nodes than this (default {@link defaultMaxEncodeNodes}). */
  readonly maxNodes?: number;
  /** Stop after this many problems. */
  readonly maxProblems?: number;
  /** In `deferred` mode, the `data` string standing for the i-th distinct tensor. */
  readonly placeholder?: (index: number) => string;
}

/**
 * How many nodes (containers and leaves) a tree may have when it is encoded, unless the
 * options say otherwise: far more than any model, few enough to stop a tree without end (a
 * getter that returns a new object each time) long before memory runs out.
 *
 * @example
 * defaultMaxEncodeNodes; // 1000000
 */
export const defaultMaxEncodeNodes = 1_000_000;

/** A tensor written by name, for the side file. */
export interface ExternalWeight {
  readonly name: string;
  readonly tensor: tf.Tensor;
  /** Where the tensor first appears in the tree, for the errors of reading it later. */
  readonly path: KeyPath;
}

/**
 * Reads a tensor that encoding collected, after encoding (`saveTree` reads each one when its turn
 * to be written comes, with awaits in between). A tensor disposed since, or one that cannot be
 * read, throws a {@link TreeEncodeError} naming its key path, as encoding does.
 */
export function readWeight<T>(weight: ExternalWeight, read: (x: tf.Tensor) => T): T {
  if (weight.tensor.isDisposed) {
    throw new TreeEncodeError([
      {
        path: weight.path,
        message:
          "the tensor was disposed while the tree was being written; keep the tree's tensors until saveTree settles",
      },
    ]);
  }
  try {
    return read(weight.tensor);
  } catch (cause) {
    throw new TreeEncodeError([
      {
        path: weight.path,
        message: `cannot read the tensor: ${cause instanceof Error ? cause.message : String(cause)}`,
      },
    ]);
  }
}

export interface Encoded {
  readonly json: JsonValue;
  /**
   * In `external` and `deferred` modes, each distinct tensor once, in first-seen order (named
   * by its placeholder in `deferred` mode).
   */
  readonly weights: readonly ExternalWeight[];
  /** In `deferred` mode, how many tensor nodes were written (a shared tensor counts each time). */
  readonly deferredNodes: number;
  /**
   * In `inline` and `deferred` modes, how many tensors were found at several places: their nodes
   * carry a `shared` index (format 1.1).
   */
  readonly sharedTensors: number;
}

const ARRAY = 0;
const OBJECT = 1;

type Frame =
  | {
      readonly source: readonly unknown[];
      readonly kind: typeof ARRAY;
      /** Object keys to visit (arrays use indices). */
      readonly keys: null;
      readonly length: number;
      readonly out: (JsonValue | undefined)[];
      readonly builtin: undefined;
      next: number;
    }
  | {
      readonly source: Record<string, unknown>;
      readonly kind: typeof OBJECT;
      readonly keys: readonly string[];
      readonly length: number;
      readonly out: Record<string, unknown>;
      /** The tag of a built-in wrapper record (checked as the decoder checks it when it closes). */
      readonly builtin: string | undefined;
      next: number;
    };

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

/**
 * Encodes `tree`; returns the JSON (and the tensors for the side file) or the problems.
 */
export function encodeValue(
  tree: unknown,
  ctx: EncodeContext,
): Encoded | { readonly problems: EncodeProblem[] } {
  const maxProblems = ctx.maxProblems ?? 20;
  const isBuiltin = (tag: string): boolean =>
    builtinFields[tag] !== undefined && ctx.registry.specs.get(tag) === defaultRegistry.specs.get(tag);
  const problems: EncodeProblem[] = [];
  const weights: ExternalWeight[] = [];
  const weightNames = new Map<tf.Tensor, string>();
  const usedNames = new Set<string>();
  const frames: Frame[] = [];
  const pathKeys: Key[] = []; // pathKeys[i] is the key of frames[i] in frames[i - 1] (i >= 1)
  const ancestors = new Set<unknown>();
  let deferredNodes = 0;
  // Inline and deferred modes: the first node written for each tensor, to mark it shared when
  // the tensor is met again (side files share by weight name instead).
  const firstNodes = new Map<tf.Tensor, Record<string, JsonValue>>();
  let sharedTensors = 0;
  const maxNodes = ctx.maxNodes ?? defaultMaxEncodeNodes;
  let nodes = 0;

  const pathTo = (key: Key | undefined): Key[] => {
    const path = pathKeys.slice(1, frames.length);
    if (key !== undefined) path.push(key);
    return path;
  };
  const problem = (key: Key | undefined, message: string): void => {
    if (problems.length < maxProblems) problems.push({ path: pathTo(key), message });
  };

  // Encodes a scalar or tensor directly; opens a frame for a container. `key` is its key in the
  // current top frame (undefined for the root). Returns the JSON to store in the parent.
  const visit = (value: unknown, key: Key | undefined): JsonValue | undefined => {
    if (++nodes > maxNodes) {
      problem(
        key,
        `the tree has more than ${maxNodes} nodes (is there a getter that returns a new object each ` +
          `time?); pass a larger maxNodes if the tree really is this big`,
      );
      tooBig = true;
      return null;
    }
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number": {
        const special = specialNumberText(value);
        return special === undefined ? value : { _tag: "Number", value: special };
      }
      case "undefined":
        return { _tag: "Undefined" };
      case "function": {
        const name = ctx.functions.byFunction.get(value as AnyFunction);
        if (name === undefined) {
          problem(
            key,
            `${describeValue(value)} is not in the function table; give it a name with ` +
              `treeCodec({ functions: { name: fn } }) (known: ${[...ctx.functions.byName.keys()].sort().join(", ")})`,
          );
          return null;
        }
        return { _tag: "Function", name };
      }
      case "bigint":
      case "symbol":
        problem(key, `${describeValue(value)} (a ${typeof value}) cannot be serialized`);
        return null;
    }
    if (value === null) return null;
    if (isTensorValue(value)) return encodeTensorValue(value, key);
    if (ancestors.has(value)) {
      problem(key, "cyclic tree: this node contains itself; trees must be acyclic");
      return null;
    }
    if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) {
      const hole = firstHole(value);
      if (hole !== undefined) {
        problem(key, `the node has a hole at index ${hole} (a sparse array); trees hold dense arrays only`);
        return null;
      }
      const out = new Array<JsonValue>(value.length);
      push(
        { source: value, kind: ARRAY, keys: null, length: value.length, out, builtin: undefined, next: 0 },
        key,
      );
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if ((proto !== Object.prototype && proto !== null) || Array.isArray(value)) {
      problem(
        key,
        `${describeValue(value)} cannot be serialized (only plain data, tensors and tabled functions can)`,
      );
      return null;
    }
    const record = value as Record<string, unknown>;
    try {
      checkOrdinaryNow(record); // before any read (a getter is never run), and every time
    } catch (cause) {
      if (!(cause instanceof NodeRuleError)) throw cause;
      problem(key, `the node has ${cause.message}; trees hold own enumerable data properties only`);
      return null;
    }
    const hasTag = Object.prototype.hasOwnProperty.call(record, "_tag");
    const keys = Object.keys(record);
    if (hasTag) {
      const tag = record["_tag"];
      const spec = typeof tag === "string" ? (ctx.registry.specs.get(tag) ?? ownSpecOf(record)) : undefined;
      if (spec !== undefined) {
        const builtin = isBuiltin(spec.tag); // `spec` is the registry's when it knows the tag
        if (builtin) {
          const bad = malformedBuiltin(record, builtinFields[spec.tag] as (typeof builtinFields)[string]);
          if (bad !== undefined) {
            problem(key, `a malformed ${spec.tag} record: ${bad}`);
            return null;
          }
        }
        const out: Record<string, JsonValue> = { _tag: tag as string };
        const fields = keys.filter((k) => k !== "_tag");
        for (const child of spec.children) if (!fields.includes(child)) fields.push(child);
        push(
          {
            source: record,
            kind: OBJECT,
            keys: fields,
            length: fields.length,
            out,
            builtin: builtin ? spec.tag : undefined,
            next: 0,
          },
          key,
        );
        return out;
      }
      // Ordinary data that happens to have a `_tag`: escape it.
      const fields: Record<string, JsonValue> = {};
      push(
        { source: record, kind: OBJECT, keys, length: keys.length, out: fields, builtin: undefined, next: 0 },
        key,
      );
      return { _tag: "Object", fields };
    }
    const out: Record<string, JsonValue> = {};
    push({ source: record, kind: OBJECT, keys, length: keys.length, out, builtin: undefined, next: 0 }, key);
    return out;
  };

  const push = (frame: Frame, key: Key | undefined): void => {
    if (key !== undefined) pathKeys[frames.length] = key;
    frames.push(frame);
    ancestors.add(frame.source);
  };

  const encodeTensorValue = (x: tf.Tensor, key: Key | undefined): JsonValue => {
    if (!isSupportedDtype(x.dtype)) {
      problem(
        key,
        `${x.dtype} tensors cannot be serialized (supported dtypes: ${supportedDtypes.join(", ")})`,
      );
      return null;
    }
    if (x.isDisposed) {
      problem(key, "the tensor is disposed");
      return null;
    }
    // What the built-in checks read of a tensor: its dtype and shape.
    if (ctx.tensors === "check") return { _tag: "Tensor", dtype: x.dtype, shape: x.shape.slice() };
    if (ctx.tensors === "inline" || ctx.tensors === "deferred") {
      if (ctx.tensors === "deferred") deferredNodes++;
      const first = firstNodes.get(x);
      if (first !== undefined) {
        // A tensor at several places (tied weights): every node carries its bytes and one
        // `shared` index, so that decoding gives back one tensor, not copies.
        let index = first["shared"];
        if (index === undefined) {
          index = sharedTensors++;
          first["shared"] = index;
        }
        return {
          _tag: "Tensor",
          dtype: x.dtype,
          shape: x.shape.slice(),
          data: first["data"] as string,
          shared: index,
        };
      }
      let node: Record<string, JsonValue>;
      if (ctx.tensors === "inline") {
        node = { ...encodeTensor(x) };
      } else {
        const data = (ctx.placeholder as (index: number) => string)(weights.length);
        weights.push({ name: data, tensor: x, path: pathTo(key) });
        node = { _tag: "Tensor", dtype: x.dtype, shape: x.shape.slice(), data };
      }
      firstNodes.set(x, node);
      return node;
    }
    let name = weightNames.get(x);
    if (name === undefined) {
      const path = pathTo(key);
      const base = (path.length > 0 && keystr(path, { separator: "/" })) || "tensor";
      name = base;
      for (let n = 2; usedNames.has(name); n++) name = `${base}_${n}`;
      usedNames.add(name);
      weightNames.set(x, name);
      weights.push({ name, tensor: x, path });
    }
    return { _tag: "Tensor", dtype: x.dtype, shape: x.shape.slice(), weight: name };
  };

  // The decoder's checks of the built-in records, on the JSON written for them: a record that
  // no constructor builds (a WeightNormalization scale of the wrong shape, a bounded with lo >=
  // hi, written by hand) would save, then fail to load; it is refused here instead.
  let checks: BuiltinChecks | undefined;
  const closeBuiltin = (tag: string, out: Record<string, unknown>): void => {
    for (const p of (checks ??= new BuiltinChecks(ctx.functions, isBuiltin)).close(tag, out)) {
      if (problems.length >= maxProblems) return;
      const path = pathTo(p.field);
      if (p.index !== undefined) path.push(p.index);
      problems.push({ path, message: `${p.message}; the record would not load` });
    }
  };

  let tooBig = false;
  let root: JsonValue | undefined;
  try {
    root = visit(tree, undefined);
    while (frames.length > 0 && problems.length < maxProblems && !tooBig) {
      const top = frames[frames.length - 1] as Frame;
      if (top.next >= top.length) {
        if (top.builtin !== undefined) closeBuiltin(top.builtin, top.out);
        frames.pop();
        ancestors.delete(top.source);
        continue;
      }
      const i = top.next++;
      if (top.kind === ARRAY) {
        top.out[i] = visit(top.source[i], i);
      } else {
        const k = top.keys[i] as string;
        const encoded = visit(top.source[k], k);
        setOwn(top.out, k, encoded);
      }
    }
  } catch (cause) {
    problem(undefined, `cannot be serialized: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (problems.length > 0) return { problems };
  return { json: root as JsonValue, weights, deferredNodes, sharedTensors };
}

/** Why a record with a built-in tag does not have that wrapper's exact fields, if it does not. */
function malformedBuiltin(
  record: Record<string, unknown>,
  fields: Readonly<Record<string, "function" | "array" | "any">>,
): string | undefined {
  const expected = Object.keys(fields);
  for (const key of Object.keys(record)) {
    if (key !== "_tag" && !expected.includes(key))
      return `unexpected field ${JSON.stringify(key)} (expected ${expected.join(", ")})`;
  }
  for (const key of expected) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) return `no "${key}" field`;
    const kind = fields[key];
    if (kind === "function" && typeof record[key] !== "function")
      return `"${key}" must be a function, got ${describeValue(record[key])}`;
    if (kind === "array" && !Array.isArray(record[key]))
      return `"${key}" must be an array, got ${describeValue(record[key])}`;
  }
  return undefined;
}
