/**
 * Tensors as JSON: `{ "_tag": "Tensor", "dtype", "shape", "data" }`, `data` being the base64 of
 * the tensor's little-endian bytes.
 *
 * Everything a document says about a tensor is checked before a byte is allocated: the dtype is
 * one of the supported ones, every dimension is an integer in `[0, 2^31)`, the element count is
 * below {@link maxTensorElements}, and the length of the base64 text matches the byte count the
 * shape implies. A shape asking for gigabytes next to a few bytes of data is therefore refused
 * for the price of a multiplication, and memory use is bounded by the size of the input.
 *
 * Decoded tensors are new tensors owned by the caller, who disposes them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as t from "io-ts";
import { base64ByteLength, base64Length, checkBase64, decodeBase64Into, encodeBase64 } from "./base64";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The dtypes a document can hold. tfjs's `complex64` and `string` tensors are refused: complex
 * tensors have no backend kernel on WASM, and string tensors are not fixed-width bytes.
 *
 * @example
 * const dtype: SupportedDtype = "float32";
 */
export type SupportedDtype = "float32" | "int32" | "bool";

/**
 * The supported dtypes, in documentation order.
 *
 * @example
 * supportedDtypes.includes("int32"); // true
 */
export const supportedDtypes: readonly SupportedDtype[] = Object.freeze(["float32", "int32", "bool"]);

/**
 * A tensor in a document.
 *
 * @example
 * const one: TensorJson = { _tag: "Tensor", dtype: "float32", shape: [], data: "AACAPw==" };
 */
export interface TensorJson {
  readonly _tag: "Tensor";
  readonly dtype: SupportedDtype;
  readonly shape: readonly number[];
  readonly data: string;
}

/**
 * The largest dimension a shape may have (tfjs indexes with int32).
 *
 * @example
 * maxDimension; // 2147483647
 */
export const maxDimension = 2 ** 31 - 1;

/**
 * The largest element count a decoded tensor may have: 2^31 - 1, as tfjs and the 32-bit WASM
 * heap cannot hold more.
 *
 * @example
 * maxTensorElements; // 2147483647
 */
export const maxTensorElements = 2 ** 31 - 1;

const bytesPerElementOf: Readonly<Record<SupportedDtype, number>> = { float32: 4, int32: 4, bool: 1 };

/** True when this machine stores numbers little-endian (every platform tfjs runs on in practice). */
const hostLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether `x` names a supported dtype.
 *
 * @example
 * isSupportedDtype("bool");    // true
 * isSupportedDtype("float64"); // false
 */
export function isSupportedDtype(x: unknown): x is SupportedDtype {
  return x === "float32" || x === "int32" || x === "bool";
}

/**
 * Whether `x` is a tfjs tensor (including variables).
 *
 * @example
 * isTensorValue(tf.scalar(1)); // true
 * isTensorValue([1]);          // false
 */
export function isTensorValue(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Bytes per element of a supported dtype.
 *
 * @example
 * bytesPerElement("bool"); // 1
 */
export function bytesPerElement(dtype: SupportedDtype): number {
  return bytesPerElementOf[dtype];
}

/** A problem found in a shape; `index` is the offending dimension, when there is one. */
export interface ShapeProblem {
  readonly index?: number;
  readonly message: string;
}

/**
 * Checks a document's `shape` field; returns its element count, or the problems (each
 * dimension that is not an integer in `[0, 2^31)`, or a product above {@link maxTensorElements}).
 * The product is checked step by step so it never overflows.
 *
 * @example
 * checkShape([2, 3]);  // { size: 6 }
 * checkShape([2, -1]); // { problems: [{ index: 1, message: "expected a dimension ... got -1" }] }
 */
export function checkShape(
  shape: unknown,
): { readonly size: number } | { readonly problems: ShapeProblem[] } {
  if (!Array.isArray(shape))
    return { problems: [{ message: `expected an array of dimensions, got ${describeValue(shape)}` }] };
  const problems: ShapeProblem[] = [];
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0 || d > maxDimension) {
      problems.push({
        index: i,
        message: `expected a dimension (an integer from 0 to ${maxDimension}), got ${describeValue(d)}`,
      });
      if (problems.length >= 8) break;
      continue;
    }
    size *= d;
    if (size > maxTensorElements) size = Infinity; // stays Infinity (or 0 after a zero dim)
  }
  if (problems.length > 0) return { problems };
  if (!(size <= maxTensorElements)) {
    return {
      problems: [
        {
          message: `the shape [${shape.join(", ")}] has more than ${maxTensorElements} elements, the most a tensor can hold`,
        },
      ],
    };
  }
  return { size };
}

/**
 * A short rendering of any value for error messages (long strings and big values cut).
 *
 * @example
 * describeValue(-1);       // "-1"
 * describeValue("abc");    // '"abc"'
 * describeValue([1, 2]);   // "an array of length 2"
 */
export function describeValue(x: unknown): string {
  if (typeof x === "string")
    return x.length > 40
      ? `${JSON.stringify(x.slice(0, 37))}... (${x.length} characters)`
      : JSON.stringify(x);
  if (typeof x === "number") return Object.is(x, -0) ? "-0" : String(x);
  if (typeof x === "boolean" || typeof x === "bigint" || x === null || x === undefined) return String(x);
  if (typeof x === "function") return x.name === "" ? "an anonymous function" : `the function ${x.name}`;
  if (typeof x === "symbol") return x.toString();
  const proto = Object.getPrototypeOf(x) as object | null;
  if (proto === Array.prototype && Array.isArray(x)) return `an array of length ${x.length}`;
  if (proto === null && Array.isArray(x)) return `an array of length ${x.length} with a null prototype`;
  if (!Array.isArray(x) && (proto === Object.prototype || proto === null)) {
    const keys = Object.keys(x);
    const shown = keys.slice(0, 5).map((k) => JSON.stringify(k));
    return keys.length === 0
      ? "an empty object"
      : `an object with keys [${shown.join(", ")}${keys.length > 5 ? ", ..." : ""}]`;
  }
  if (isTensorValue(x)) return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
  const name = (proto?.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name !== ""
    ? `an instance of ${name}`
    : Object.prototype.toString.call(x);
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * Little-endian bytes of a tensor's values, straight from `dataSync()` (no copy on
 * little-endian hosts). Throws for unsupported dtypes and disposed tensors; callers turn that
 * into an error naming the key path.
 *
 * @example
 * tensorBytes(tf.scalar(1)); // Uint8Array [0, 0, 128, 63]
 */
export function tensorBytes(x: tf.Tensor): Uint8Array {
  if (!isSupportedDtype(x.dtype)) {
    throw new Error(
      `${x.dtype} tensors cannot be serialized (supported dtypes: ${supportedDtypes.join(", ")})`,
    );
  }
  if (x.isDisposed) throw new Error("the tensor is disposed");
  const values = x.dataSync<"float32" | "int32" | "bool">();
  let bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (x.dtype === "bool") {
    // tfjs keeps whatever bytes a bool tensor was made from; a document only ever holds 0 or 1.
    let clean = true;
    for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 1) clean = false;
    if (!clean) bytes = bytes.map((b) => (b === 0 ? 0 : 1));
  } else if (!hostLittleEndian) {
    bytes = swapWords(bytes.slice());
  }
  return bytes;
}

/**
 * The bytes of a float32 or int32 tensor that lives on the WASM backend, as a view of the WASM
 * heap (no copy), or undefined for any other tensor. `dataSync()` would copy them into a new
 * array each time, and when a whole model is encoded those copies, garbage at once, wait for
 * the garbage collector together: 0.5-0.9x the model's size of extra memory at the peak, as
 * measured (bench/serialize.ts).
 *
 * The view is valid only until tfjs next allocates (a heap growth detaches it), so it is for
 * synchronous use only. It reads two fields of tfjs-backend-wasm 4.x's backend that its typings
 * declare but tfjs does not document (`wasm.HEAPU8`, `dataIdMap`), checks everything it reads
 * (the backend the engine files the tensor under, the offset, the dtype, the byte range), and
 * returns undefined (the caller copies with `dataSync()`) when anything is not as expected.
 * WASM memory is little-endian on every host, so the bytes are the document's.
 *
 * @example
 * // On the WASM backend (on CPU: undefined)
 * Array.from(wasmHeapBytes(tf.scalar(1)) ?? []); // [0, 0, 128, 63]
 */
export function wasmHeapBytes(x: tf.Tensor): Uint8Array | undefined {
  if (x.dtype !== "float32" && x.dtype !== "int32") return undefined;
  const info = tf.engine().state.tensorInfo.get(x.dataId) as { backend?: unknown } | undefined;
  const backend = info?.backend as
    { wasm?: { HEAPU8?: unknown }; dataIdMap?: { get?: (id: object) => unknown } } | undefined;
  const heap = backend?.wasm?.HEAPU8;
  const dataIdMap = backend?.dataIdMap;
  if (!(heap instanceof Uint8Array) || typeof dataIdMap?.get !== "function") return undefined;
  const data = dataIdMap.get(x.dataId) as { memoryOffset?: unknown; dtype?: unknown } | undefined;
  const offset = data?.memoryOffset;
  const byteLength = x.size * 4;
  if (
    typeof offset !== "number" ||
    data?.dtype !== x.dtype ||
    !Number.isInteger(offset) ||
    offset < 0 ||
    offset + byteLength > heap.byteLength
  )
    return undefined;
  return heap.subarray(offset, offset + byteLength);
}

/**
 * Storage for `size` elements of `dtype`: the typed array tfjs wants and a byte view of it to
 * fill (from base64 or from a file). With a `scratch`, the storage is the scratch's buffer,
 * reused by the next call.
 *
 * @example
 * const { values, bytes } = allocateTensorData("float32", 2);
 * bytes.length; // 8
 */
export function allocateTensorData(
  dtype: SupportedDtype,
  size: number,
  scratch?: DecodeScratch,
): { readonly values: Float32Array | Int32Array | Uint8Array; readonly bytes: Uint8Array } {
  if (scratch !== undefined) {
    const byteLength = size * bytesPerElement(dtype);
    if (scratch.buffer === undefined || scratch.buffer.byteLength < byteLength)
      scratch.buffer = new ArrayBuffer(byteLength);
    const values =
      dtype === "float32"
        ? new Float32Array(scratch.buffer, 0, size)
        : dtype === "int32"
          ? new Int32Array(scratch.buffer, 0, size)
          : new Uint8Array(scratch.buffer, 0, size);
    return { values, bytes: new Uint8Array(scratch.buffer, 0, byteLength) };
  }
  const values =
    dtype === "float32"
      ? new Float32Array(size)
      : dtype === "int32"
        ? new Int32Array(size)
        : new Uint8Array(size);
  return { values, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/**
 * Storage that one decode reuses for every tensor it makes, when the backend copies a new
 * tensor's values into memory of its own (WASM copies them into its heap; the CPU and WebGL
 * backends keep the array they are given, so each tensor needs one of its own there). Without
 * it, each decoded tensor would leave its array behind as garbage, and a 100 MB model's worth
 * of arrays can wait for the garbage collector at the same time.
 */
export interface DecodeScratch {
  buffer?: ArrayBuffer;
}

/**
 * A new {@link DecodeScratch} when the current backend copies new tensors' values (WASM), else
 * undefined (every tensor gets its own array).
 *
 * @example
 * // On the WASM backend (on CPU: undefined)
 * newDecodeScratch(); // {}
 */
export function newDecodeScratch(): DecodeScratch | undefined {
  return tf.getBackend() === "wasm" ? {} : undefined;
}

/**
 * Makes a tensor from storage filled with little-endian bytes; returns an error message (and
 * makes nothing) when a bool byte is not 0 or 1.
 *
 * @example
 * const { values, bytes } = allocateTensorData("int32", 1);
 * bytes.set([7, 0, 0, 0]);
 * tensorFromData("int32", [], values); // the int32 scalar 7
 */
export function tensorFromData(
  dtype: SupportedDtype,
  shape: readonly number[],
  values: Float32Array | Int32Array | Uint8Array,
): tf.Tensor | string {
  if (dtype === "bool") {
    const notBool = boolProblem(values);
    if (notBool !== undefined) return notBool;
  } else if (!hostLittleEndian) {
    swapWords(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return tf.tensor(values, shape as number[], dtype);
}

/**
 * A tensor as JSON. Throws (with a message that callers prefix with the key path) for
 * unsupported dtypes and disposed tensors.
 *
 * @example
 * encodeTensor(tf.tensor([1, 2], [2], "int32")); // { _tag: "Tensor", dtype: "int32", shape: [2], data: "AQAAAAIAAAA=" }
 */
export function encodeTensor(x: tf.Tensor): TensorJson {
  // Encoded at once, so the heap view (when there is one) cannot move under the encoder.
  const data = encodeBase64(x.isDisposed ? tensorBytes(x) : (wasmHeapBytes(x) ?? tensorBytes(x)));
  return { _tag: "Tensor", dtype: x.dtype as SupportedDtype, shape: x.shape.slice(), data };
}

/** A problem with a tensor node: `field` (and `index` into it) say where inside the node. */
export interface TensorProblem {
  readonly field?: "dtype" | "shape" | "data" | "weight";
  readonly index?: number;
  readonly message: string;
}

/**
 * Checks `dtype`, `shape` and the base64 `data` of a tensor node (whose `_tag` and field set the
 * caller has checked), and only then allocates and decodes. Returns the new tensor or the
 * problems. With `allocate: false` it makes no tensor but checks all the same (the base64
 * characters, and a bool tensor's bytes, decoded into a buffer) and returns `null` when all is
 * well. `scratch`
 * lends the storage (see {@link DecodeScratch}); `checkedData` says that the caller has checked
 * the characters of `data` with `isBase64Run`.
 *
 * @example
 * const x = decodeTensorFields("float32", [], "AACAPw==");  // the scalar 1
 * decodeTensorFields("float32", [1e9, 1e9], "AAAA");         // problems: more than 2147483647 elements
 */
export function decodeTensorFields(
  dtype: unknown,
  shape: unknown,
  data: unknown,
): tf.Tensor | TensorProblem[];
export function decodeTensorFields(
  dtype: unknown,
  shape: unknown,
  data: unknown,
  allocate: boolean,
  scratch?: DecodeScratch,
  checkedData?: boolean,
): tf.Tensor | TensorProblem[] | null;
export function decodeTensorFields(
  dtype: unknown,
  shape: unknown,
  data: unknown,
  allocate = true,
  scratch?: DecodeScratch,
  checkedData = false,
): tf.Tensor | TensorProblem[] | null {
  const problems: TensorProblem[] = [];
  if (!isSupportedDtype(dtype)) {
    problems.push({ field: "dtype", message: unsupportedDtypeMessage(dtype) });
  }
  const checked = checkShape(shape);
  if ("problems" in checked) {
    for (const p of checked.problems) {
      problems.push(
        p.index === undefined
          ? { field: "shape", message: p.message }
          : { field: "shape", index: p.index, message: p.message },
      );
    }
  }
  if (typeof data !== "string") {
    problems.push({ field: "data", message: `expected a base64 string, got ${describeValue(data)}` });
  }
  if (problems.length > 0 || !isSupportedDtype(dtype) || "problems" in checked || typeof data !== "string")
    return problems;
  const byteLength = checked.size * bytesPerElement(dtype);
  if (data.length !== base64Length(byteLength) || base64ByteLength(data) !== byteLength) {
    return [
      {
        field: "data",
        message:
          `a ${dtype} tensor of shape [${(shape as number[]).join(", ")}] has ${byteLength} bytes ` +
          `(${base64Length(byteLength)} base64 characters), but the data has ${data.length} characters`,
      },
    ];
  }
  if (!allocate && dtype !== "bool") {
    const bad = checkedData ? undefined : checkBase64(data);
    return bad === undefined ? null : [{ field: "data", message: bad }];
  }
  const { values, bytes } = allocateTensorData(dtype, checked.size, scratch);
  const bad = decodeBase64Into(data, bytes, checkedData);
  if (bad !== undefined) return [{ field: "data", message: bad }];
  if (!allocate) {
    // A bool tensor's bytes must be 0 or 1: checked on the bytes (no tensor made), so that a
    // check-only decode refuses exactly what a decode refuses.
    const notBool = boolProblem(values);
    return notBool === undefined ? null : [{ field: "data", message: notBool }];
  }
  const made = tensorFromData(dtype, shape as number[], values);
  return typeof made === "string" ? [{ field: "data", message: made }] : made;
}

/**
 * The message for a dtype a document may not hold.
 *
 * @example
 * unsupportedDtypeMessage("complex64"); // 'unsupported dtype "complex64" (supported: float32, int32, bool)'
 */
export function unsupportedDtypeMessage(dtype: unknown): string {
  const what =
    typeof dtype === "string"
      ? `unsupported dtype ${JSON.stringify(dtype)}`
      : `expected a dtype string, got ${describeValue(dtype)}`;
  return `${what} (supported: ${supportedDtypes.join(", ")})`;
}

/** Why bool bytes are not all 0 or 1, if they are not. */
function boolProblem(values: Float32Array | Int32Array | Uint8Array): string | undefined {
  for (let i = 0; i < values.length; i++) {
    if ((values[i] as number) > 1) return `bool element ${i} is the byte ${values[i]}; expected 0 or 1`;
  }
  return undefined;
}

function swapWords(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i] as number;
    const b = bytes[i + 1] as number;
    bytes[i] = bytes[i + 3] as number;
    bytes[i + 1] = bytes[i + 2] as number;
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
  return bytes;
}

// -------------------------------------------------------------------------------------
// codec
// -------------------------------------------------------------------------------------

/**
 * An io-ts codec for a single tensor node. `decode` makes a new tensor (the caller disposes it);
 * `encode` throws for complex64/string or disposed tensors. Trees use {@link treeCodec}, which
 * shares these checks.
 *
 * @example
 * const json = tensorCodec.encode(tf.tensor([1, 2]));
 * const back = tensorCodec.decode(json); // Right(a new float32 tensor [1, 2])
 */
export const tensorCodec: t.Type<tf.Tensor, TensorJson, unknown> = new t.Type<tf.Tensor, TensorJson, unknown>(
  "Tensor",
  isTensorValue,
  (u, c) => {
    if (u === null || typeof u !== "object" || Array.isArray(u)) {
      return t.failure(
        u,
        c,
        `expected a tensor node { _tag: "Tensor", dtype, shape, data }, got ${describeValue(u)}`,
      );
    }
    const node = u as Record<string, unknown>;
    const fieldProblems = checkTensorNodeFields(node, "data");
    if (fieldProblems.length > 0)
      return t.failures(fieldProblems.map((m) => ({ value: u, context: c, message: m })));
    const made = decodeTensorFields(node["dtype"], node["shape"], node["data"]);
    if (isTensorValue(made)) return t.success(made);
    return t.failures(
      made.map((p) => {
        let context = c;
        if (p.field !== undefined) {
          const value = node[p.field];
          context = [...context, { key: p.field, type: t.unknown, actual: value }];
          if (p.index !== undefined) {
            context = [
              ...context,
              { key: String(p.index), type: t.unknown, actual: (value as unknown[])[p.index] },
            ];
          }
        }
        return { value: u, context, message: p.message };
      }),
    );
  },
  encodeTensor,
);

/**
 * @internal Problems with the field set of a tensor node: `_tag` must be "Tensor", and the node
 * has exactly `dtype`, `shape` and `payload` ("data" inline, "weight" in files), and may have
 * `optional` (a document's `shared` index).
 */
export function checkTensorNodeFields(
  node: Record<string, unknown>,
  payload: "data" | "weight",
  optional?: string,
): string[] {
  const problems: string[] = [];
  if (node["_tag"] !== "Tensor") problems.push(`expected _tag "Tensor", got ${describeValue(node["_tag"])}`);
  for (const field of ["dtype", "shape", payload]) {
    if (!Object.prototype.hasOwnProperty.call(node, field))
      problems.push(`the tensor node has no "${field}" field`);
  }
  for (const key of Object.keys(node)) {
    if (key !== "_tag" && key !== "dtype" && key !== "shape" && key !== payload && key !== optional) {
      problems.push(
        `unexpected field ${JSON.stringify(key)} in a tensor node (expected _tag, dtype, shape, ${payload}${optional === undefined ? "" : `, and maybe ${optional}`})`,
      );
    }
  }
  return problems;
}
