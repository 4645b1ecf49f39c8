/**
 * Decoding: a document (parsed JSON, or any value claiming to be one) to a tree, checking
 * everything and never trusting anything.
 *
 * This is the core `validate` of `treeCodec`. It runs on an explicit stack, not through io-ts's
 * combinators (which recurse), so a document nested 100,000 deep decodes or fails cleanly. It
 * collects up to {@link maxDecodeErrors} problems, each with the io-ts context from the document
 * root to the offending value, and it never throws: an unexpected exception becomes one more
 * error. Tensors are made only after their node has been checked (so a shape asking for
 * gigabytes next to a few bytes of data allocates nothing), and when decoding fails every tensor
 * it made is disposed again.
 *
 * Input that did not come from `JSON.parse` is handled too: values JSON cannot hold (undefined,
 * non-finite numbers, functions, class instances) are errors, and an object met twice (a cycle
 * or a shared node) is an error, so hostile input can neither loop nor blow up exponentially.
 * Keys such as `__proto__`, `constructor` and `prototype` become own data properties of the
 * decoded objects; no prototype is ever touched.
 *
 * @internal
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import * as t from "io-ts";
import type { RecordSpec, Registry } from "../core/registry";
import { isCarriedSpec, markRecord } from "../core/ownSpecs";

import { defaultRegistry } from "../wrappers/defaultRegistry";
import { BuiltinChecks } from "./builtinChecks";
import { documentType, treeRootType } from "./errors";
import { checkVersion, formatName, reservedTags, specialNumberValue } from "./format";
import type { ResolvedFunctions } from "./functions";
import { builtinFields, setOwn } from "./internal";
import {
  checkTensorNodeFields,
  decodeTensorFields,
  describeValue,
  isTensorValue,
  newDecodeScratch,
  unsupportedDtypeMessage,
} from "./tensor";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A tensor read from a binary side file, by weight name. */
export interface LoadedWeight {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly tensor: tf.Tensor;
}

export interface DecodeContext {
  readonly registry: Registry;
  readonly functions: ResolvedFunctions;
  /** The side file's tensors (loadTree); absent for self-contained documents. */
  readonly weights?: ReadonlyMap<string, LoadedWeight>;
  /** Filled with the names of the weights the tree uses. */
  readonly usedWeights?: Set<string>;
  /**
   * Check only: make no tensor (inline data is checked without decoding; weight references
   * against the manifest, whose tensors may be placeholders). The result's tensors are `null`.
   */
  readonly checkOnly?: boolean;
  /**
   * Turns a placeholder string of a text parsed by `parseJsonText` back into its payload. The
   * decoder resolves the string fields of the document and of every node it opens, in place:
   * the parsed value is the decoder's own then (`parseTree`, `loadTree`).
   */
  readonly resolveString?: ((s: string) => string) | undefined;
}

/**
 * The most problems one decode reports; hostile input could otherwise produce millions.
 *
 * @example
 * maxDecodeErrors; // 20
 */
export const maxDecodeErrors = 20;

const documentFields = ["format", "version", "tree", "weightsManifest", "weightsCrc32"];

const ARRAY = 0;
const OBJECT = 1;
const WRAPPER = 2;

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

/**
 * Validates and decodes a whole document. `context` is the io-ts context of the call; its last
 * entry becomes the document root.
 */
export function decodeDocument(
  input: unknown,
  context: t.Context,
  ctx: DecodeContext,
): t.Validation<unknown> {
  const last = context[context.length - 1];
  const base: t.Context = [
    ...context.slice(0, -1),
    { key: last?.key ?? "", type: documentType, actual: input },
  ];
  const errors: t.ValidationError[] = [];
  const at = (key: string, actual: unknown, message: string): void => {
    errors.push({ value: actual, context: [...base, { key, type: t.unknown, actual }], message });
  };
  if (!isPlainObject(input)) {
    return t.failure(
      input,
      base,
      `expected a paramtree document { "format": "${formatName}", "version", "tree" }, got ${describeValue(input)}`,
    );
  }
  const doc = input as Record<string, unknown>;
  if (ctx.resolveString !== undefined) resolveFields(doc, ctx.resolveString);
  if (doc["format"] !== formatName) {
    at(
      "format",
      doc["format"],
      `expected "${formatName}", got ${describeValue(doc["format"])}: this is not a paramtree document`,
    );
    return t.failures(errors);
  }
  const versionProblem = checkVersion(doc["version"]);
  if (versionProblem !== undefined) {
    at("version", doc["version"], versionProblem);
    return t.failures(errors);
  }
  for (const key of Object.keys(doc)) {
    if (!documentFields.includes(key))
      at(
        key,
        doc[key],
        `unexpected field ${JSON.stringify(key)} in the document (expected ${documentFields.join(", ")})`,
      );
  }
  if (!hasOwn(doc, "tree")) at("tree", undefined, `the document has no "tree" field`);
  if (hasOwn(doc, "weightsManifest") && ctx.weights === undefined) {
    at(
      "weightsManifest",
      doc["weightsManifest"],
      "this document keeps its tensor bytes in a binary file (weightsManifest); read it with loadTree",
    );
  }
  if (hasOwn(doc, "weightsCrc32") && !hasOwn(doc, "weightsManifest")) {
    at("weightsCrc32", doc["weightsCrc32"], "weightsCrc32 without a weightsManifest");
  }
  if (errors.length > 0) return t.failures(errors);
  return decodeTreeValue(
    doc["tree"],
    [...base, { key: "tree", type: treeRootType, actual: doc["tree"] }],
    ctx,
  );
}

/**
 * Validates and decodes the `tree` part of a document; `rootContext` ends with the tree root.
 */
export function decodeTreeValue(
  root: unknown,
  rootContext: t.Context,
  ctx: DecodeContext,
): t.Validation<unknown> {
  const errors: t.ValidationError[] = [];
  const created: tf.Tensor[] = [];
  /** Tensors written at several places, by their `shared` index: the first node read, and its tensor. */
  const shared = new Map<number, { readonly node: Record<string, unknown>; readonly tensor: unknown }>();
  const seen = new Set<unknown>();
  const resolve = ctx.resolveString;
  const scratch = newDecodeScratch();
  // The explicit stack: one entry per open container, as parallel arrays.
  const sources: (readonly unknown[] | Record<string, unknown>)[] = [];
  const outs: (unknown[] | Record<string, unknown>)[] = [];
  const kinds: number[] = [];
  const keyLists: (readonly string[] | null)[] = [];
  const nexts: number[] = [];
  const lengths: number[] = [];
  const entries: t.ContextEntry[] = []; // entries[i]: how frames[i] is reached (the root: the tree entry)
  let truncated = false;
  let checks: BuiltinChecks | undefined;
  const isBuiltin = (tag: string): boolean =>
    builtinFields[tag] !== undefined && ctx.registry.specs.get(tag) === defaultRegistry.specs.get(tag);

  const contextOf = (
    key: string | undefined,
    actual: unknown,
    extra?: readonly t.ContextEntry[],
  ): t.Context => {
    // The tree root's context, then how each open frame is reached, then the value itself.
    const out = rootContext.slice();
    const depth = sources.length;
    for (let i = 1; i < depth; i++) out.push(entries[i] as t.ContextEntry);
    if (depth > 0 && key !== undefined) out.push({ key, type: t.unknown, actual });
    if (extra !== undefined) out.push(...extra);
    return out;
  };
  const fail = (
    key: string | undefined,
    actual: unknown,
    message: string,
    extra?: readonly t.ContextEntry[],
  ): undefined => {
    if (errors.length < maxDecodeErrors) {
      errors.push({
        value: extra?.[extra.length - 1]?.actual ?? actual,
        context: contextOf(key, actual, extra),
        message,
      });
    } else {
      truncated = true;
    }
    return undefined;
  };
  const entry = (key: string, actual: unknown): t.ContextEntry => ({ key, type: t.unknown, actual });

  const open = (
    key: string | undefined,
    node: unknown,
    source: readonly unknown[] | Record<string, unknown>,
    kind: number,
    keys: readonly string[] | null,
    out: unknown[] | Record<string, unknown>,
  ): unknown => {
    sources.push(source);
    outs.push(out);
    kinds.push(kind);
    keyLists.push(keys);
    nexts.push(0);
    lengths.push(keys === null ? (source as unknown[]).length : keys.length);
    entries.push(
      key === undefined ? (rootContext[rootContext.length - 1] as t.ContextEntry) : entry(key, node),
    );
    return out;
  };

  /** Checks that `node` has exactly `allowed` fields (all of `required`); reports each problem. */
  const checkFields = (
    key: string | undefined,
    node: Record<string, unknown>,
    what: string,
    allowed: readonly string[],
    required: readonly string[],
  ): boolean => {
    let ok = true;
    for (const f of required) {
      if (!hasOwn(node, f)) {
        fail(key, node, `${what} has no "${f}" field`);
        ok = false;
      }
    }
    for (const f of Object.keys(node)) {
      if (!allowed.includes(f)) {
        fail(key, node, `unexpected field ${JSON.stringify(f)} in ${what} (expected ${allowed.join(", ")})`, [
          entry(f, node[f]),
        ]);
        ok = false;
      }
    }
    return ok;
  };

  /** Decodes one value; containers open a frame and return their (still empty) output. */
  const visit = (value: unknown, key: string | undefined): unknown => {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        return Number.isFinite(value)
          ? value
          : fail(
              key,
              value,
              `${value} is not a JSON number; write it as { "_tag": "Number", "value": "${value}" }`,
            );
      case "undefined":
        return fail(key, value, `undefined is not JSON; write it as { "_tag": "Undefined" }`);
      case "function":
      case "bigint":
      case "symbol":
        return fail(key, value, `expected JSON data, got ${describeValue(value)}`);
    }
    if (value === null) return null;
    if (seen.has(value)) {
      return fail(
        key,
        value,
        "this object is reached twice (a cycle or a shared node); a document must be a tree",
      );
    }
    if (Array.isArray(value)) {
      seen.add(value);
      if (resolve !== undefined) resolveFields(value, resolve);
      return open(key, value, value, ARRAY, null, new Array(value.length));
    }
    if (!isPlainObject(value)) return fail(key, value, `expected JSON data, got ${describeValue(value)}`);
    seen.add(value);
    const node = value as Record<string, unknown>;
    if (resolve !== undefined) resolveFields(node, resolve);
    if (!hasOwn(node, "_tag")) return open(key, node, node, OBJECT, Object.keys(node), {});
    const tag = node["_tag"];
    if (typeof tag !== "string") {
      return fail(key, node, `a "_tag" must be a string, got ${describeValue(tag)}`, [entry("_tag", tag)]);
    }
    switch (tag) {
      case "Number": {
        if (!checkFields(key, node, "a Number node", ["_tag", "value"], ["value"])) return undefined;
        const n = specialNumberValue(node["value"]);
        return n !== undefined
          ? n
          : fail(
              key,
              node,
              `expected "NaN", "Infinity", "-Infinity" or "-0", got ${describeValue(node["value"])}`,
              [entry("value", node["value"])],
            );
      }
      case "Undefined":
        checkFields(key, node, "an Undefined node", ["_tag"], []);
        return undefined;
      case "Function":
        return decodeFunction(key, node);
      case "Object": {
        if (!checkFields(key, node, "an Object node", ["_tag", "fields"], ["fields"])) return undefined;
        const fields = node["fields"];
        if (!isPlainObject(fields) || seen.has(fields)) {
          return fail(
            key,
            node,
            `expected the escaped object's fields (a plain object), got ${describeValue(fields)}`,
            [entry("fields", fields)],
          );
        }
        const inner = (fields as Record<string, unknown>)["_tag"];
        if (typeof inner === "string" && ctx.registry.specs.has(inner)) {
          // In memory an object with a registered `_tag` is that wrapper, whatever its fields: the
          // encoder never escapes one, and decoding it as plain data would hand back a wrapper
          // nobody validated (a malformed one fails the next encode or unwrap).
          return fail(
            key,
            node,
            `an escaped object cannot carry the registered tag ${describeValue(inner)}: ` +
              `in memory it would be a ${inner} record; write the record itself`,
            [entry("fields", fields)],
          );
        }
        seen.add(fields);
        if (resolve !== undefined) resolveFields(fields, resolve);
        return open(key, node, fields as Record<string, unknown>, OBJECT, Object.keys(fields), {});
      }
      case "Tensor":
        return decodeTensor(key, node);
    }
    const spec = ctx.registry.specs.get(tag);
    if (spec === undefined) {
      const known = [...reservedTags, ...ctx.registry.specs.keys()];
      return fail(
        key,
        node,
        `unknown tag ${describeValue(tag)} (known: ${known.join(", ")}); register it with registerWrapper, ` +
          `or pass the registry to treeCodec({ registry })`,
        [entry("_tag", tag)],
      );
    }
    return decodeWrapper(key, node, spec);
  };

  const decodeFunction = (key: string | undefined, node: Record<string, unknown>): unknown => {
    if (!checkFields(key, node, "a Function node", ["_tag", "name"], ["name"])) return undefined;
    const name = node["name"];
    const fn =
      typeof name === "string" && ctx.functions.byName.has(name) ? ctx.functions.byName.get(name) : undefined;
    if (fn === undefined) {
      const known = [...ctx.functions.byName.keys()].sort().join(", ");
      return fail(
        key,
        node,
        `unknown function name ${describeValue(name)} (known: ${known}); add it with treeCodec({ functions: { name: fn } })`,
        [entry("name", name)],
      );
    }
    return fn;
  };

  const decodeTensor = (key: string | undefined, node: Record<string, unknown>): unknown => {
    // A payload cut out by parseJsonText: its characters were checked then.
    const raw = node["data"];
    let checkedData = false;
    if (resolve !== undefined && typeof raw === "string" && isPlaceholder(raw)) {
      const data = resolve(raw);
      checkedData = data !== raw;
      setOwn(node, "data", data);
    }
    const payload = hasOwn(node, "weight") ? "weight" : "data";
    const fieldProblems = checkTensorNodeFields(node, payload, payload === "data" ? "shared" : undefined);
    if (fieldProblems.length > 0) {
      for (const m of fieldProblems) fail(key, node, m);
      return undefined;
    }
    if (payload === "weight") return decodeWeightRef(key, node);
    const index = node["shared"];
    if (index !== undefined) {
      if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) {
        return fail(
          key,
          node,
          `expected the index of a shared tensor (an integer >= 0), got ${describeValue(index)}`,
          [entry("shared", index)],
        );
      }
      const first = shared.get(index);
      if (first !== undefined) {
        const differs = differsFrom(first.node, node);
        if (differs !== undefined) {
          return fail(
            key,
            node,
            `this node of shared tensor ${index} differs from its first node in its ${differs}; every node of a shared tensor is written the same`,
            [entry(differs, node[differs])],
          );
        }
        return first.tensor;
      }
    }
    const made = decodeTensorFields(
      node["dtype"],
      node["shape"],
      node["data"],
      ctx.checkOnly !== true,
      scratch,
      checkedData,
    );
    if (made === null) {
      if (typeof index === "number") shared.set(index, { node, tensor: null });
      return null;
    }
    if (isTensorValue(made)) {
      created.push(made);
      if (typeof index === "number") shared.set(index, { node, tensor: made });
      return made;
    }
    for (const p of made) {
      const extra: t.ContextEntry[] = [];
      if (p.field !== undefined) {
        const fieldValue = node[p.field];
        extra.push(entry(p.field, fieldValue));
        if (p.index !== undefined) extra.push(entry(String(p.index), (fieldValue as unknown[])[p.index]));
      }
      fail(key, node, p.message, extra);
    }
    return undefined;
  };

  const decodeWeightRef = (key: string | undefined, node: Record<string, unknown>): unknown => {
    const name = node["weight"];
    if (ctx.weights === undefined) {
      return fail(
        key,
        node,
        "this tensor refers to a weight in a binary file, but the document has none; read it with loadTree",
        [entry("weight", name)],
      );
    }
    const loaded = typeof name === "string" && ctx.weights.has(name) ? ctx.weights.get(name) : undefined;
    if (loaded === undefined) {
      return fail(key, node, `the weight ${describeValue(name)} is not in the weightsManifest`, [
        entry("weight", name),
      ]);
    }
    const dtype = node["dtype"];
    const shape = node["shape"];
    if (dtype !== loaded.dtype) {
      return fail(
        key,
        node,
        typeof dtype === "string" && dtype !== "float32" && dtype !== "int32" && dtype !== "bool"
          ? unsupportedDtypeMessage(dtype)
          : `the tensor says dtype ${describeValue(dtype)} but its weight ${JSON.stringify(name)} is ${loaded.dtype}`,
        [entry("dtype", dtype)],
      );
    }
    if (
      !Array.isArray(shape) ||
      shape.length !== loaded.shape.length ||
      shape.some((d, i) => d !== loaded.shape[i])
    ) {
      return fail(
        key,
        node,
        `the tensor says shape ${Array.isArray(shape) ? `[${shape.map(describeValue).join(", ")}]` : describeValue(shape)} ` +
          `but its weight ${JSON.stringify(name)} has shape [${loaded.shape.join(", ")}]`,
        [entry("shape", shape)],
      );
    }
    ctx.usedWeights?.add(name as string);
    return ctx.checkOnly === true ? null : loaded.tensor;
  };

  const decodeWrapper = (
    key: string | undefined,
    node: Record<string, unknown>,
    spec: RecordSpec,
  ): unknown => {
    const fields = Object.keys(node).filter((k) => k !== "_tag");
    let ok = true;
    const builtin = builtinFields[spec.tag];
    if (builtin !== undefined && defaultRegistry.specs.get(spec.tag) === spec) {
      const allowed = Object.keys(builtin);
      ok = checkFields(key, node, `a ${spec.tag} node`, ["_tag", ...allowed], allowed);
      for (const f of allowed) {
        const want = builtin[f];
        const v = node[f];
        if (!hasOwn(node, f)) continue;
        if (want === "array" && !Array.isArray(v)) {
          fail(key, node, `expected an array, got ${describeValue(v)}`, [entry(f, v)]);
          ok = false;
        } else if (
          want === "function" &&
          !(isPlainObject(v) && (v as Record<string, unknown>)["_tag"] === "Function")
        ) {
          fail(
            key,
            node,
            `expected a function node { "_tag": "Function", "name" }, got ${describeValue(v)}`,
            [entry(f, v)],
          );
          ok = false;
        }
      }
    } else {
      for (const child of spec.children) {
        if (!hasOwn(node, child)) {
          fail(
            key,
            node,
            `a ${spec.tag} node has no "${child}" field (its children are ${spec.children.join(", ")})`,
          );
          ok = false;
        }
      }
    }
    if (!ok) return undefined;
    return open(key, node, node, WRAPPER, fields, { _tag: spec.tag });
  };

  let result: unknown;
  try {
    result = visit(root, undefined);
    while (sources.length > 0) {
      if (truncated) break;
      const top = sources.length - 1;
      const i = nexts[top] as number;
      if (i >= (lengths[top] as number)) {
        if (kinds[top] === WRAPPER) {
          const out = outs[top] as Record<string, unknown>;
          const tag = out["_tag"] as string;
          if (
            builtinFields[tag] !== undefined &&
            ctx.registry.specs.get(tag) === defaultRegistry.specs.get(tag)
          ) {
            const node = sources[top] as Record<string, unknown>;
            for (const p of (checks ??= new BuiltinChecks(ctx.functions, isBuiltin)).close(tag, node)) {
              const v = node[p.field];
              const at =
                p.index === undefined ? undefined : [entry(String(p.index), (v as unknown[])[p.index])];
              fail(p.field, v, p.message, at);
            }
          }
          freezeWrapper(out, ctx.registry);
        }
        sources.pop();
        outs.pop();
        kinds.pop();
        keyLists.pop();
        nexts.pop();
        lengths.pop();
        entries.pop();
        continue;
      }
      nexts[top] = i + 1;
      const source = sources[top];
      if (kinds[top] === ARRAY) {
        (outs[top] as unknown[])[i] = visit((source as readonly unknown[])[i], String(i));
      } else {
        const k = (keyLists[top] as readonly string[])[i] as string;
        const decoded = visit((source as Record<string, unknown>)[k], k);
        setOwn(outs[top] as Record<string, unknown>, k, decoded);
      }
    }
  } catch (cause) {
    fail(undefined, root, `decoding failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (truncated && errors.length > 0) {
    const lastError = errors[errors.length - 1] as t.ValidationError;
    errors[errors.length - 1] = {
      ...lastError,
      message: `${lastError.message} (stopped after ${maxDecodeErrors} problems)`,
    };
  }
  if (errors.length > 0) {
    for (const x of created) x.dispose();
    return t.failures(errors);
  }
  return t.success(result);
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Wrappers are immutable values: freeze the record, and the built-ins' array fields (as their
 * constructors do). A record of a `defineWrapper` spec carries it, as its constructor's would.
 */
function freezeWrapper(out: Record<string, unknown>, registry: Registry): void {
  const spec = registry.specs.get(out["_tag"] as string);
  if (spec !== undefined && isCarriedSpec(spec)) markRecord(out, spec);
  const builtin = builtinFields[out["_tag"] as string];
  if (builtin !== undefined) {
    for (const f of Object.keys(builtin))
      if (builtin[f] === "array" && Array.isArray(out[f])) Object.freeze(out[f]);
  }
  Object.freeze(out);
}

/**
 * Replaces, in place, each placeholder among the own string fields (or elements) of `x`, but
 * the `data` of a tensor node, which `decodeTensor` resolves (knowing its characters checked).
 */
function resolveFields(x: object, resolve: (s: string) => string): void {
  const record = x as Record<string, unknown>;
  const tensor = record["_tag"] === "Tensor" && !Array.isArray(x);
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === "string" && isPlaceholder(v) && !(tensor && key === "data"))
      setOwn(record, key, resolve(v));
  }
}

function isPlaceholder(s: string): boolean {
  return s.charCodeAt(0) === 0;
}

function isPlainObject(x: unknown): x is object {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function hasOwn(x: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(x, key);
}

/** Which field of the tensor node `node` differs from the first node of its shared tensor, if one does. */
function differsFrom(
  first: Record<string, unknown>,
  node: Record<string, unknown>,
): "dtype" | "shape" | "data" | undefined {
  if (node["dtype"] !== first["dtype"]) return "dtype";
  const [a, b] = [first["shape"] as unknown[], node["shape"]];
  if (!Array.isArray(b) || b.length !== a.length || b.some((d, i) => d !== a[i])) return "shape";
  if (node["data"] !== first["data"]) return "data";
  return undefined;
}
