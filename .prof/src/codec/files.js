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
exports.weightsFileName = weightsFileName;
exports.saveTree = saveTree;
exports.loadTree = loadTree;
const E = __importStar(require("fp-ts/Either"));
const t = __importStar(require("io-ts"));
const fs_1 = require("fs");
const nodePath = __importStar(require("path"));
const zlib = __importStar(require("zlib"));
const crc32_1 = require("./crc32");
const decode_1 = require("./decode");
const errors_1 = require("./errors");
const format_1 = require("./format");
const encode_1 = require("./encode");
const json_1 = require("./json");
const tensor_1 = require("./tensor");
const treeCodec_1 = require("./treeCodec");
const nativeCrc32 = zlib.crc32;
const crc32 = (crc, bytes) => nativeCrc32 !== undefined ? nativeCrc32(bytes, crc) : (0, crc32_1.crc32Update)(crc, bytes);
// -------------------------------------------------------------------------------------
// save
// -------------------------------------------------------------------------------------
/**
 * The side file's name for a document path: `.json` replaced by `.bin` (or `.bin` appended).
 *
 * @example
 * weightsFileName("out/model.tree.json"); // "model.tree.bin"
 * weightsFileName("model");               // "model.bin"
 */
function weightsFileName(path) {
    const base = nodePath.basename(path);
    return base.toLowerCase().endsWith(".json") ? `${base.slice(0, -5)}.bin` : `${base}.bin`;
}
/**
 * Writes `tree` to `path` (a JSON document) and, when it holds tensors, its bytes to the side
 * file next to it (see {@link weightsFileName}). Rejects with a {@link TreeEncodeError} naming the
 * key path of anything that cannot be written (nothing is written then), or with the file
 * system's error.
 *
 * @example
 * const file = require("path").join(require("os").tmpdir(), "model.tree.json");
 * await saveTree(file, { w: tf.ones([2, 2]), lr: 0.1 });
 * const back = await loadTree(file);
 * E.isRight(back) && back.right; // { w: tf.ones([2, 2]), lr: 0.1 }
 */
async function saveTree(path, tree, options) {
    const resolved = (0, treeCodec_1.resolveCodecOptions)(options);
    const tmpSuffix = `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    if (options?.inline === true) {
        // Written piece by piece (a tensor's base64 at a time): the whole text never exists.
        const pieces = (0, treeCodec_1.documentPieces)(tree, resolved, options.space);
        if (E.isLeft(pieces))
            throw new errors_1.TreeEncodeError(pieces.left);
        await writeAtomically(path, tmpSuffix, pieces.right);
        return;
    }
    const encoded = (0, encode_1.encodeValue)(tree, { ...resolved, tensors: "external" });
    if ("problems" in encoded)
        throw new errors_1.TreeEncodeError(encoded.problems);
    const { weights } = encoded;
    if (weights.length === 0) {
        await writeAtomically(path, tmpSuffix, (0, json_1.stringifyTrustedJson)({ format: format_1.formatName, version: format_1.formatVersion, tree: encoded.json }, options?.space));
        return;
    }
    const binName = weightsFileName(path);
    const binPath = nodePath.join(nodePath.dirname(path), binName);
    const binTmp = binPath + tmpSuffix;
    let crc = 0;
    const handle = await fs_1.promises.open(binTmp, "w");
    try {
        for (const { tensor } of weights) {
            // One tensor's bytes at a time, straight from dataSync(): memory stays at one tensor.
            const bytes = (0, tensor_1.tensorBytes)(tensor);
            crc = crc32(crc, bytes);
            let written = 0;
            while (written < bytes.length) {
                const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
                written += bytesWritten;
            }
        }
    }
    catch (cause) {
        await handle.close().catch(() => undefined);
        await fs_1.promises.rm(binTmp, { force: true });
        throw cause;
    }
    await handle.close();
    const document = {
        format: format_1.formatName,
        version: format_1.formatVersion,
        weightsManifest: [
            {
                paths: [binName],
                weights: weights.map(({ name, tensor }) => ({
                    name,
                    shape: tensor.shape.slice(),
                    dtype: tensor.dtype,
                })),
            },
        ],
        weightsCrc32: [crc],
        tree: encoded.json,
    };
    try {
        await fs_1.promises.rename(binTmp, binPath);
        await writeAtomically(path, tmpSuffix, (0, json_1.stringifyTrustedJson)(document, options?.space));
    }
    catch (cause) {
        await fs_1.promises.rm(binTmp, { force: true });
        throw cause;
    }
}
async function writeAtomically(path, tmpSuffix, text) {
    const tmp = path + tmpSuffix;
    try {
        if (typeof text === "string") {
            await fs_1.promises.writeFile(tmp, text, "utf8");
        }
        else {
            const handle = await fs_1.promises.open(tmp, "w");
            try {
                for (const piece of text) {
                    const bytes = Buffer.from(piece(), "utf8");
                    let written = 0;
                    while (written < bytes.length) {
                        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
                        written += bytesWritten;
                    }
                }
            }
            finally {
                await handle.close();
            }
        }
        await fs_1.promises.rename(tmp, path);
    }
    catch (cause) {
        await fs_1.promises.rm(tmp, { force: true });
        throw cause;
    }
}
// -------------------------------------------------------------------------------------
// load
// -------------------------------------------------------------------------------------
/**
 * Reads a tree written by {@link saveTree}. Never rejects: a missing, truncated, corrupt or
 * hostile file is a Left whose errors name the file or the key path (render them with
 * `formatDecodeErrors`). The tensors are new; the caller disposes them.
 *
 * @example
 * const result = await loadTree("no/such/model.tree.json");
 * const report = E.isLeft(result) ? formatDecodeErrors(result.left) : [];
 * // ['document: cannot read "no/such/model.tree.json" (ENOENT: no such file or directory, ...)']
 */
async function loadTree(path, options) {
    let resolved;
    try {
        resolved = (0, treeCodec_1.resolveCodecOptions)(options);
    }
    catch (cause) {
        return E.left([fileError(path, cause.message)]);
    }
    let text;
    try {
        text = await fs_1.promises.readFile(path, "utf8");
    }
    catch (cause) {
        return E.left([fileError(path, `cannot read ${JSON.stringify(path)} (${cause.message})`)]);
    }
    let parsed;
    try {
        parsed = (0, json_1.parseJsonText)(text);
    }
    catch (cause) {
        return E.left([(0, treeCodec_1.notJsonError)(text, cause)]);
    }
    const json = parsed.json;
    // Inline tensor data stays in `text` (see parseJsonText), resolved by the decoder.
    resolved = { ...resolved, resolveString: parsed.resolve };
    const root = [{ key: "", type: errors_1.documentType, actual: json }];
    const hasManifest = json !== null &&
        typeof json === "object" &&
        !Array.isArray(json) &&
        Object.prototype.hasOwnProperty.call(json, "weightsManifest");
    if (!hasManifest)
        return (0, decode_1.decodeDocument)(json, root, resolved);
    const doc = json;
    // Check the document header first, so that a newer version is refused before its manifest.
    if (doc["format"] !== format_1.formatName)
        return (0, decode_1.decodeDocument)(json, root, resolved);
    const header = (0, decode_1.decodeDocument)({ format: doc["format"], version: doc["version"], tree: null }, root, resolved);
    if (E.isLeft(header))
        return header;
    const planned = planWeights(doc, root);
    if (E.isLeft(planned))
        return planned;
    // Check the whole tree against the manifest before reading (or allocating) a single weight.
    const plannedWeights = new Map();
    for (const group of planned.right) {
        for (const w of group.weights)
            plannedWeights.set(w.name, { dtype: w.dtype, shape: w.shape, tensor: null });
    }
    const checked = (0, decode_1.decodeDocument)(json, root, { ...resolved, weights: plannedWeights, checkOnly: true });
    if (E.isLeft(checked))
        return checked;
    const weights = new Map();
    const disposeAll = () => {
        for (const w of weights.values())
            w.tensor.dispose();
    };
    try {
        const dir = nodePath.dirname(path);
        for (let g = 0; g < planned.right.length; g++) {
            const problem = await readGroup(nodePath.join(dir, planned.right[g].file), planned.right[g], weights);
            if (problem !== undefined) {
                disposeAll();
                return E.left([groupError(doc, root, g, problem)]);
            }
        }
    }
    catch (cause) {
        disposeAll();
        return E.left([fileError(path, `reading the weights failed: ${cause.message}`)]);
    }
    const usedWeights = new Set();
    const result = (0, decode_1.decodeDocument)(json, root, { ...resolved, weights, usedWeights });
    if (E.isLeft(result)) {
        disposeAll();
        return result;
    }
    for (const [name, w] of weights)
        if (!usedWeights.has(name))
            w.tensor.dispose();
    return result;
}
/** Reads one group's side file into tensors; returns a problem message, or undefined. */
async function readGroup(file, group, out) {
    let handle;
    try {
        handle = await fs_1.promises.open(file, "r");
    }
    catch (cause) {
        return `cannot open the weights file ${JSON.stringify(file)} (${cause.message})`;
    }
    try {
        const { size } = await handle.stat();
        if (size !== group.byteLength) {
            return (`the weights file ${JSON.stringify(file)} has ${size} bytes but the manifest describes ${group.byteLength}` +
                (size < group.byteLength ? " (truncated?)" : ""));
        }
        let crc = 0;
        const scratch = (0, tensor_1.newDecodeScratch)(); // one buffer for all weights when the backend copies
        for (const w of group.weights) {
            const { values, bytes } = (0, tensor_1.allocateTensorData)(w.dtype, w.size, scratch);
            let read = 0;
            while (read < bytes.length) {
                const { bytesRead } = await handle.read(bytes, read, bytes.length - read, w.byteOffset + read);
                if (bytesRead === 0)
                    return `the weights file ${JSON.stringify(file)} ended early (truncated?)`;
                read += bytesRead;
            }
            crc = crc32(crc, bytes);
            const made = (0, tensor_1.tensorFromData)(w.dtype, w.shape, values);
            if (typeof made === "string")
                return `weight ${JSON.stringify(w.name)}: ${made}`;
            out.set(w.name, { dtype: w.dtype, shape: w.shape, tensor: made });
        }
        if (group.crc32 !== undefined && crc !== group.crc32) {
            return `the weights file ${JSON.stringify(file)} is corrupt: its CRC-32 is ${crc} but the manifest says ${group.crc32}`;
        }
        return undefined;
    }
    finally {
        await handle.close().catch(() => undefined);
    }
}
/**
 * Checks `weightsManifest` (and `weightsCrc32`) completely and lays the weights out in their
 * files; nothing is read or allocated here.
 */
function planWeights(doc, root) {
    const errors = [];
    const manifest = doc["weightsManifest"];
    const crcs = doc["weightsCrc32"];
    const entry = (key, actual) => ({ key, type: t.unknown, actual });
    const fail = (context, message) => {
        if (errors.length < decode_1.maxDecodeErrors)
            errors.push({ value: context[context.length - 1]?.actual, context: [...root, ...context], message });
    };
    const mPath = [entry("weightsManifest", manifest)];
    if (!Array.isArray(manifest) || manifest.length === 0) {
        fail(mPath, `expected a non-empty array of weight groups { paths, weights }, got ${(0, tensor_1.describeValue)(manifest)}`);
        return E.left(errors);
    }
    if (crcs !== undefined &&
        (!Array.isArray(crcs) ||
            crcs.length !== manifest.length ||
            !crcs.every((c) => Number.isInteger(c) && c >= 0 && c <= 0xffffffff))) {
        fail([entry("weightsCrc32", crcs)], `expected one CRC-32 (an integer from 0 to 4294967295) per weight group, got ${(0, tensor_1.describeValue)(crcs)}`);
    }
    const names = new Set();
    const groups = [];
    for (let g = 0; g < manifest.length; g++) {
        const group = manifest[g];
        const gPath = [...mPath, entry(String(g), group)];
        if (!isObject(group)) {
            fail(gPath, `expected a weight group { paths, weights }, got ${(0, tensor_1.describeValue)(group)}`);
            continue;
        }
        for (const key of Object.keys(group)) {
            if (key !== "paths" && key !== "weights")
                fail([...gPath, entry(key, group[key])], `unexpected field ${JSON.stringify(key)} in a weight group (expected paths, weights)`);
        }
        const paths = group["paths"];
        let file;
        if (!Array.isArray(paths) || paths.length !== 1) {
            fail([...gPath, entry("paths", paths)], Array.isArray(paths) && paths.length > 1
                ? "sharded weight groups (more than one path) are not supported; expected exactly one file"
                : `expected [fileName], got ${(0, tensor_1.describeValue)(paths)}`);
        }
        else {
            const name = paths[0];
            const problem = checkFileName(name);
            if (problem !== undefined)
                fail([...gPath, entry("paths", paths), entry("0", name)], problem);
            else
                file = name;
        }
        const list = group["weights"];
        if (!Array.isArray(list)) {
            fail([...gPath, entry("weights", list)], `expected an array of weights { name, shape, dtype }, got ${(0, tensor_1.describeValue)(list)}`);
            continue;
        }
        const planned = [];
        let offset = 0;
        for (let i = 0; i < list.length; i++) {
            const w = list[i];
            const wPath = [...gPath, entry("weights", list), entry(String(i), w)];
            if (!isObject(w)) {
                fail(wPath, `expected a weight { name, shape, dtype }, got ${(0, tensor_1.describeValue)(w)}`);
                continue;
            }
            let ok = true;
            for (const key of Object.keys(w)) {
                if (key === "quantization") {
                    fail([...wPath, entry(key, w[key])], "quantized weights are not supported");
                    ok = false;
                }
                else if (key !== "name" && key !== "shape" && key !== "dtype" && key !== "group") {
                    fail([...wPath, entry(key, w[key])], `unexpected field ${JSON.stringify(key)} in a weight (expected name, shape, dtype)`);
                    ok = false;
                }
            }
            const name = w["name"];
            if (typeof name !== "string") {
                fail([...wPath, entry("name", name)], `expected a weight name (a string), got ${(0, tensor_1.describeValue)(name)}`);
                ok = false;
            }
            else if (names.has(name)) {
                fail([...wPath, entry("name", name)], `the weight name ${JSON.stringify(name)} appears twice`);
                ok = false;
            }
            else {
                names.add(name);
            }
            const dtype = w["dtype"];
            if (!(0, tensor_1.isSupportedDtype)(dtype)) {
                fail([...wPath, entry("dtype", dtype)], (0, tensor_1.unsupportedDtypeMessage)(dtype));
                ok = false;
            }
            const shape = w["shape"];
            const checked = (0, tensor_1.checkShape)(shape);
            if ("problems" in checked) {
                for (const p of checked.problems) {
                    const sPath = [...wPath, entry("shape", shape)];
                    fail(p.index === undefined ? sPath : [...sPath, entry(String(p.index), shape[p.index])], p.message);
                }
                ok = false;
            }
            if (!ok || "problems" in checked || !(0, tensor_1.isSupportedDtype)(dtype))
                continue;
            const byteLength = checked.size * (0, tensor_1.bytesPerElement)(dtype);
            planned.push({
                name: name,
                dtype,
                shape: shape.slice(),
                size: checked.size,
                byteOffset: offset,
                byteLength,
            });
            offset += byteLength; // each term < 2^33, so the sum stays exact far beyond any real file
        }
        if (file !== undefined) {
            const crc = Array.isArray(crcs) ? crcs[g] : undefined;
            groups.push({
                file,
                byteLength: offset,
                crc32: typeof crc === "number" ? crc : undefined,
                weights: planned,
            });
        }
    }
    return errors.length > 0 ? E.left(errors) : E.right(groups);
}
/** A side file must be a plain file name next to the document: no directories, no `..`. */
function checkFileName(name) {
    if (typeof name !== "string" || name.length === 0)
        return `expected a file name, got ${(0, tensor_1.describeValue)(name)}`;
    if (name === "." || name === ".." || /[/\\\0]/.test(name) || nodePath.isAbsolute(name)) {
        return `the weights file ${JSON.stringify(name)} must be a plain file name next to the document (no directories)`;
    }
    return undefined;
}
function groupError(doc, root, g, message) {
    const manifest = doc["weightsManifest"];
    const context = [
        ...root,
        { key: "weightsManifest", type: t.unknown, actual: manifest },
        { key: String(g), type: t.unknown, actual: manifest[g] },
    ];
    return { value: manifest[g], context, message };
}
function fileError(path, message) {
    return { value: path, context: [{ key: "", type: errors_1.documentType, actual: path }], message };
}
function isObject(x) {
    if (x === null || typeof x !== "object" || Array.isArray(x))
        return false;
    const proto = Object.getPrototypeOf(x);
    return proto === Object.prototype || proto === null;
}
