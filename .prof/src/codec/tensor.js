"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.tensorCodec = exports.maxTensorElements = exports.maxDimension = exports.supportedDtypes = void 0;
exports.isSupportedDtype = isSupportedDtype;
exports.isTensorValue = isTensorValue;
exports.bytesPerElement = bytesPerElement;
exports.checkShape = checkShape;
exports.describeValue = describeValue;
exports.tensorBytes = tensorBytes;
exports.wasmHeapBytes = wasmHeapBytes;
exports.allocateTensorData = allocateTensorData;
exports.newDecodeScratch = newDecodeScratch;
exports.tensorFromData = tensorFromData;
exports.encodeTensor = encodeTensor;
exports.decodeTensorFields = decodeTensorFields;
exports.unsupportedDtypeMessage = unsupportedDtypeMessage;
exports.checkTensorNodeFields = checkTensorNodeFields;
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
const tf = __importStar(require("@tensorflow/tfjs-core"));
const t = __importStar(require("io-ts"));
const base64_1 = require("./base64");
/**
 * The supported dtypes, in documentation order.
 *
 * @example
 * supportedDtypes.includes("int32"); // true
 */
exports.supportedDtypes = Object.freeze(["float32", "int32", "bool"]);
/**
 * The largest dimension a shape may have (tfjs indexes with int32).
 *
 * @example
 * maxDimension; // 2147483647
 */
exports.maxDimension = 2 ** 31 - 1;
/**
 * The largest element count a decoded tensor may have: 2^31 - 1, as tfjs and the 32-bit WASM
 * heap cannot hold more.
 *
 * @example
 * maxTensorElements; // 2147483647
 */
exports.maxTensorElements = 2 ** 31 - 1;
const bytesPerElementOf = { float32: 4, int32: 4, bool: 1 };
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
function isSupportedDtype(x) {
    return x === "float32" || x === "int32" || x === "bool";
}
/**
 * Whether `x` is a tfjs tensor (including variables).
 *
 * @example
 * isTensorValue(tf.scalar(1)); // true
 * isTensorValue([1]);          // false
 */
function isTensorValue(x) {
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
function bytesPerElement(dtype) {
    return bytesPerElementOf[dtype];
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
function checkShape(shape) {
    if (!Array.isArray(shape))
        return { problems: [{ message: `expected an array of dimensions, got ${describeValue(shape)}` }] };
    const problems = [];
    let size = 1;
    for (let i = 0; i < shape.length; i++) {
        const d = shape[i];
        if (typeof d !== "number" || !Number.isInteger(d) || d < 0 || d > exports.maxDimension) {
            problems.push({
                index: i,
                message: `expected a dimension (an integer from 0 to ${exports.maxDimension}), got ${describeValue(d)}`,
            });
            if (problems.length >= 8)
                break;
            continue;
        }
        size *= d;
        if (size > exports.maxTensorElements)
            size = Infinity; // stays Infinity (or 0 after a zero dim)
    }
    if (problems.length > 0)
        return { problems };
    if (!(size <= exports.maxTensorElements)) {
        return {
            problems: [
                {
                    message: `the shape [${shape.join(", ")}] has more than ${exports.maxTensorElements} elements, the most a tensor can hold`,
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
function describeValue(x) {
    if (typeof x === "string")
        return x.length > 40
            ? `${JSON.stringify(x.slice(0, 37))}... (${x.length} characters)`
            : JSON.stringify(x);
    if (typeof x === "number")
        return Object.is(x, -0) ? "-0" : String(x);
    if (typeof x === "boolean" || typeof x === "bigint" || x === null || x === undefined)
        return String(x);
    if (typeof x === "function")
        return x.name === "" ? "an anonymous function" : `the function ${x.name}`;
    if (typeof x === "symbol")
        return x.toString();
    if (Array.isArray(x))
        return `an array of length ${x.length}`;
    const proto = Object.getPrototypeOf(x);
    if (proto === Object.prototype || proto === null) {
        const keys = Object.keys(x);
        const shown = keys.slice(0, 5).map((k) => JSON.stringify(k));
        return keys.length === 0
            ? "an empty object"
            : `an object with keys [${shown.join(", ")}${keys.length > 5 ? ", ..." : ""}]`;
    }
    if (isTensorValue(x))
        return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
    const name = proto?.constructor?.name;
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
function tensorBytes(x) {
    if (!isSupportedDtype(x.dtype)) {
        throw new Error(`${x.dtype} tensors cannot be serialized (supported dtypes: ${exports.supportedDtypes.join(", ")})`);
    }
    if (x.isDisposed)
        throw new Error("the tensor is disposed");
    const values = x.dataSync();
    let bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    if (x.dtype === "bool") {
        // tfjs keeps whatever bytes a bool tensor was made from; a document only ever holds 0 or 1.
        let clean = true;
        for (let i = 0; i < bytes.length; i++)
            if (bytes[i] > 1)
                clean = false;
        if (!clean)
            bytes = bytes.map((b) => (b === 0 ? 0 : 1));
    }
    else if (!hostLittleEndian) {
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
function wasmHeapBytes(x) {
    if (x.dtype !== "float32" && x.dtype !== "int32")
        return undefined;
    const info = tf.engine().state.tensorInfo.get(x.dataId);
    const backend = info?.backend;
    const heap = backend?.wasm?.HEAPU8;
    const dataIdMap = backend?.dataIdMap;
    if (!(heap instanceof Uint8Array) || typeof dataIdMap?.get !== "function")
        return undefined;
    const data = dataIdMap.get(x.dataId);
    const offset = data?.memoryOffset;
    const byteLength = x.size * 4;
    if (typeof offset !== "number" ||
        data?.dtype !== x.dtype ||
        !Number.isInteger(offset) ||
        offset < 0 ||
        offset + byteLength > heap.byteLength)
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
function allocateTensorData(dtype, size, scratch) {
    if (scratch !== undefined) {
        const byteLength = size * bytesPerElement(dtype);
        if (scratch.buffer === undefined || scratch.buffer.byteLength < byteLength)
            scratch.buffer = new ArrayBuffer(byteLength);
        const values = dtype === "float32"
            ? new Float32Array(scratch.buffer, 0, size)
            : dtype === "int32"
                ? new Int32Array(scratch.buffer, 0, size)
                : new Uint8Array(scratch.buffer, 0, size);
        return { values, bytes: new Uint8Array(scratch.buffer, 0, byteLength) };
    }
    const values = dtype === "float32"
        ? new Float32Array(size)
        : dtype === "int32"
            ? new Int32Array(size)
            : new Uint8Array(size);
    return { values, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}
/**
 * A new {@link DecodeScratch} when the current backend copies new tensors' values (WASM), else
 * undefined (every tensor gets its own array).
 *
 * @example
 * // On the WASM backend (on CPU: undefined)
 * newDecodeScratch(); // {}
 */
function newDecodeScratch() {
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
function tensorFromData(dtype, shape, values) {
    if (dtype === "bool") {
        for (let i = 0; i < values.length; i++) {
            if (values[i] > 1)
                return `bool element ${i} is the byte ${values[i]}; expected 0 or 1`;
        }
    }
    else if (!hostLittleEndian) {
        swapWords(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    return tf.tensor(values, shape, dtype);
}
/**
 * A tensor as JSON. Throws (with a message that callers prefix with the key path) for
 * unsupported dtypes and disposed tensors.
 *
 * @example
 * encodeTensor(tf.tensor([1, 2], [2], "int32")); // { _tag: "Tensor", dtype: "int32", shape: [2], data: "AQAAAAIAAAA=" }
 */
function encodeTensor(x) {
    // Encoded at once, so the heap view (when there is one) cannot move under the encoder.
    const data = (0, base64_1.encodeBase64)(x.isDisposed ? tensorBytes(x) : (wasmHeapBytes(x) ?? tensorBytes(x)));
    return { _tag: "Tensor", dtype: x.dtype, shape: x.shape.slice(), data };
}
function decodeTensorFields(dtype, shape, data, allocate = true, scratch, checkedData = false) {
    const problems = [];
    if (!isSupportedDtype(dtype)) {
        problems.push({ field: "dtype", message: unsupportedDtypeMessage(dtype) });
    }
    const checked = checkShape(shape);
    if ("problems" in checked) {
        for (const p of checked.problems) {
            problems.push(p.index === undefined
                ? { field: "shape", message: p.message }
                : { field: "shape", index: p.index, message: p.message });
        }
    }
    if (typeof data !== "string") {
        problems.push({ field: "data", message: `expected a base64 string, got ${describeValue(data)}` });
    }
    if (problems.length > 0 || !isSupportedDtype(dtype) || "problems" in checked || typeof data !== "string")
        return problems;
    const byteLength = checked.size * bytesPerElement(dtype);
    if (data.length !== (0, base64_1.base64Length)(byteLength) || (0, base64_1.base64ByteLength)(data) !== byteLength) {
        return [
            {
                field: "data",
                message: `a ${dtype} tensor of shape [${shape.join(", ")}] has ${byteLength} bytes ` +
                    `(${(0, base64_1.base64Length)(byteLength)} base64 characters), but the data has ${data.length} characters`,
            },
        ];
    }
    if (!allocate) {
        const bad = checkedData ? undefined : (0, base64_1.checkBase64)(data);
        return bad === undefined ? null : [{ field: "data", message: bad }];
    }
    const { values, bytes } = allocateTensorData(dtype, checked.size, scratch);
    const bad = (0, base64_1.decodeBase64Into)(data, bytes, checkedData);
    if (bad !== undefined)
        return [{ field: "data", message: bad }];
    const made = tensorFromData(dtype, shape, values);
    return typeof made === "string" ? [{ field: "data", message: made }] : made;
}
/**
 * The message for a dtype a document may not hold.
 *
 * @example
 * unsupportedDtypeMessage("complex64"); // 'unsupported dtype "complex64" (supported: float32, int32, bool)'
 */
function unsupportedDtypeMessage(dtype) {
    const what = typeof dtype === "string"
        ? `unsupported dtype ${JSON.stringify(dtype)}`
        : `expected a dtype string, got ${describeValue(dtype)}`;
    return `${what} (supported: ${exports.supportedDtypes.join(", ")})`;
}
function swapWords(bytes) {
    for (let i = 0; i + 3 < bytes.length; i += 4) {
        const a = bytes[i];
        const b = bytes[i + 1];
        bytes[i] = bytes[i + 3];
        bytes[i + 1] = bytes[i + 2];
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
exports.tensorCodec = new t.Type("Tensor", isTensorValue, (u, c) => {
    if (u === null || typeof u !== "object" || Array.isArray(u)) {
        return t.failure(u, c, `expected a tensor node { _tag: "Tensor", dtype, shape, data }, got ${describeValue(u)}`);
    }
    const node = u;
    const fieldProblems = checkTensorNodeFields(node, "data");
    if (fieldProblems.length > 0)
        return t.failures(fieldProblems.map((m) => ({ value: u, context: c, message: m })));
    const made = decodeTensorFields(node["dtype"], node["shape"], node["data"]);
    if (isTensorValue(made))
        return t.success(made);
    return t.failures(made.map((p) => {
        let context = c;
        if (p.field !== undefined) {
            const value = node[p.field];
            context = [...context, { key: p.field, type: t.unknown, actual: value }];
            if (p.index !== undefined) {
                context = [
                    ...context,
                    { key: String(p.index), type: t.unknown, actual: value[p.index] },
                ];
            }
        }
        return { value: u, context, message: p.message };
    }));
}, encodeTensor);
/**
 * @internal Problems with the field set of a tensor node: `_tag` must be "Tensor", and the node
 * has exactly `dtype`, `shape` and `payload` ("data" inline, "weight" in files).
 */
function checkTensorNodeFields(node, payload) {
    const problems = [];
    if (node["_tag"] !== "Tensor")
        problems.push(`expected _tag "Tensor", got ${describeValue(node["_tag"])}`);
    for (const field of ["dtype", "shape", payload]) {
        if (!Object.prototype.hasOwnProperty.call(node, field))
            problems.push(`the tensor node has no "${field}" field`);
    }
    for (const key of Object.keys(node)) {
        if (key !== "_tag" && key !== "dtype" && key !== "shape" && key !== payload) {
            problems.push(`unexpected field ${JSON.stringify(key)} in a tensor node (expected _tag, dtype, shape, ${payload})`);
        }
    }
    return problems;
}
