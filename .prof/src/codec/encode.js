"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.encodeValue = encodeValue;
const keyPath_1 = require("../core/keyPath");
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const internal_1 = require("./internal");
const format_1 = require("./format");
const tensor_1 = require("./tensor");
const ARRAY = 0;
const OBJECT = 1;
// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------
/**
 * Encodes `tree`; returns the JSON (and the tensors for the side file) or the problems.
 */
function encodeValue(tree, ctx) {
    const maxProblems = ctx.maxProblems ?? 20;
    const problems = [];
    const weights = [];
    const weightNames = new Map();
    const usedNames = new Set();
    const frames = [];
    const pathKeys = []; // pathKeys[i] is the key of frames[i] in frames[i - 1] (i >= 1)
    const ancestors = new Set();
    let deferredNodes = 0;
    const pathTo = (key) => {
        const path = pathKeys.slice(1, frames.length);
        if (key !== undefined)
            path.push(key);
        return path;
    };
    const problem = (key, message) => {
        if (problems.length < maxProblems)
            problems.push({ path: pathTo(key), message });
    };
    // Encodes a scalar or tensor directly; opens a frame for a container. `key` is its key in the
    // current top frame (undefined for the root). Returns the JSON to store in the parent.
    const visit = (value, key) => {
        switch (typeof value) {
            case "string":
            case "boolean":
                return value;
            case "number": {
                const special = (0, format_1.specialNumberText)(value);
                return special === undefined ? value : { _tag: "Number", value: special };
            }
            case "undefined":
                return { _tag: "Undefined" };
            case "function": {
                const name = ctx.functions.byFunction.get(value);
                if (name === undefined) {
                    problem(key, `${(0, tensor_1.describeValue)(value)} is not in the function table; give it a name with ` +
                        `treeCodec({ functions: { name: fn } }) (known: ${[...ctx.functions.byName.keys()].sort().join(", ")})`);
                    return null;
                }
                return { _tag: "Function", name };
            }
            case "bigint":
            case "symbol":
                problem(key, `${(0, tensor_1.describeValue)(value)} (a ${typeof value}) cannot be serialized`);
                return null;
        }
        if (value === null)
            return null;
        if ((0, tensor_1.isTensorValue)(value))
            return encodeTensorValue(value, key);
        if (ancestors.has(value)) {
            problem(key, "cyclic tree: this node contains itself; trees must be acyclic");
            return null;
        }
        if (Array.isArray(value)) {
            const out = new Array(value.length);
            push({ source: value, kind: ARRAY, keys: null, length: value.length, out, next: 0 }, key);
            return out;
        }
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
            problem(key, `${(0, tensor_1.describeValue)(value)} cannot be serialized (only plain data, tensors and tabled functions can)`);
            return null;
        }
        const record = value;
        const hasTag = Object.prototype.hasOwnProperty.call(record, "_tag");
        const keys = Object.keys(record);
        if (hasTag) {
            const tag = record["_tag"];
            const spec = typeof tag === "string" ? ctx.registry.specs.get(tag) : undefined;
            if (spec !== undefined) {
                const builtin = internal_1.builtinFields[spec.tag];
                if (builtin !== undefined && defaultRegistry_1.defaultRegistry.specs.get(spec.tag) === spec) {
                    const bad = malformedBuiltin(record, builtin);
                    if (bad !== undefined) {
                        problem(key, `a malformed ${spec.tag} record: ${bad}`);
                        return null;
                    }
                }
                const out = { _tag: tag };
                const fields = keys.filter((k) => k !== "_tag");
                for (const child of spec.children)
                    if (!fields.includes(child))
                        fields.push(child);
                push({ source: record, kind: OBJECT, keys: fields, length: fields.length, out, next: 0 }, key);
                return out;
            }
            // Ordinary data that happens to have a `_tag`: escape it.
            const fields = {};
            push({ source: record, kind: OBJECT, keys, length: keys.length, out: fields, next: 0 }, key);
            return { _tag: "Object", fields };
        }
        const out = {};
        push({ source: record, kind: OBJECT, keys, length: keys.length, out, next: 0 }, key);
        return out;
    };
    const push = (frame, key) => {
        if (key !== undefined)
            pathKeys[frames.length] = key;
        frames.push(frame);
        ancestors.add(frame.source);
    };
    const encodeTensorValue = (x, key) => {
        if (!(0, tensor_1.isSupportedDtype)(x.dtype)) {
            problem(key, `${x.dtype} tensors cannot be serialized (supported dtypes: ${tensor_1.supportedDtypes.join(", ")})`);
            return null;
        }
        if (x.isDisposed) {
            problem(key, "the tensor is disposed");
            return null;
        }
        if (ctx.tensors === "check")
            return null;
        if (ctx.tensors === "inline")
            return (0, tensor_1.encodeTensor)(x);
        if (ctx.tensors === "deferred") {
            deferredNodes++;
            let data = weightNames.get(x);
            if (data === undefined) {
                data = ctx.placeholder(weights.length);
                weightNames.set(x, data);
                weights.push({ name: data, tensor: x });
            }
            return { _tag: "Tensor", dtype: x.dtype, shape: x.shape.slice(), data };
        }
        let name = weightNames.get(x);
        if (name === undefined) {
            const base = frames.length === 0 && key === undefined
                ? "tensor"
                : (0, keyPath_1.keystr)(pathTo(key), { separator: "/" }) || "tensor";
            name = base;
            for (let n = 2; usedNames.has(name); n++)
                name = `${base}_${n}`;
            usedNames.add(name);
            weightNames.set(x, name);
            weights.push({ name, tensor: x });
        }
        return { _tag: "Tensor", dtype: x.dtype, shape: x.shape.slice(), weight: name };
    };
    let root;
    try {
        root = visit(tree, undefined);
        while (frames.length > 0 && problems.length < maxProblems) {
            const top = frames[frames.length - 1];
            if (top.next >= top.length) {
                frames.pop();
                ancestors.delete(top.source);
                continue;
            }
            const i = top.next++;
            if (top.kind === ARRAY) {
                top.out[i] = visit(top.source[i], i);
            }
            else {
                const k = top.keys[i];
                const encoded = visit(top.source[k], k);
                (0, internal_1.setOwn)(top.out, k, encoded);
            }
        }
    }
    catch (cause) {
        problem(undefined, `cannot be serialized: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    if (problems.length > 0)
        return { problems };
    return { json: root, weights, deferredNodes };
}
/** Why a record with a built-in tag does not have that wrapper's exact fields, if it does not. */
function malformedBuiltin(record, fields) {
    const expected = Object.keys(fields);
    for (const key of Object.keys(record)) {
        if (key !== "_tag" && !expected.includes(key))
            return `unexpected field ${JSON.stringify(key)} (expected ${expected.join(", ")})`;
    }
    for (const key of expected) {
        if (!Object.prototype.hasOwnProperty.call(record, key))
            return `no "${key}" field`;
        const kind = fields[key];
        if (kind === "function" && typeof record[key] !== "function")
            return `"${key}" must be a function, got ${(0, tensor_1.describeValue)(record[key])}`;
        if (kind === "array" && !Array.isArray(record[key]))
            return `"${key}" must be an array, got ${(0, tensor_1.describeValue)(record[key])}`;
    }
    return undefined;
}
