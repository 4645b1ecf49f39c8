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
exports.maxDecodeErrors = void 0;
exports.decodeDocument = decodeDocument;
exports.decodeTreeValue = decodeTreeValue;
const t = __importStar(require("io-ts"));
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const errors_1 = require("./errors");
const format_1 = require("./format");
const internal_1 = require("./internal");
const tensor_1 = require("./tensor");
/**
 * The most problems one decode reports; hostile input could otherwise produce millions.
 *
 * @example
 * maxDecodeErrors; // 20
 */
exports.maxDecodeErrors = 20;
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
function decodeDocument(input, context, ctx) {
    const last = context[context.length - 1];
    const base = [
        ...context.slice(0, -1),
        { key: last?.key ?? "", type: errors_1.documentType, actual: input },
    ];
    const errors = [];
    const at = (key, actual, message) => {
        errors.push({ value: actual, context: [...base, { key, type: t.unknown, actual }], message });
    };
    if (!isPlainObject(input)) {
        return t.failure(input, base, `expected a paramtree document { "format": "${format_1.formatName}", "version", "tree" }, got ${(0, tensor_1.describeValue)(input)}`);
    }
    const doc = input;
    if (ctx.resolveString !== undefined)
        resolveFields(doc, ctx.resolveString);
    if (doc["format"] !== format_1.formatName) {
        at("format", doc["format"], `expected "${format_1.formatName}", got ${(0, tensor_1.describeValue)(doc["format"])}: this is not a paramtree document`);
        return t.failures(errors);
    }
    const versionProblem = (0, format_1.checkVersion)(doc["version"]);
    if (versionProblem !== undefined) {
        at("version", doc["version"], versionProblem);
        return t.failures(errors);
    }
    for (const key of Object.keys(doc)) {
        if (!documentFields.includes(key))
            at(key, doc[key], `unexpected field ${JSON.stringify(key)} in the document (expected ${documentFields.join(", ")})`);
    }
    if (!hasOwn(doc, "tree"))
        at("tree", undefined, `the document has no "tree" field`);
    if (hasOwn(doc, "weightsManifest") && ctx.weights === undefined) {
        at("weightsManifest", doc["weightsManifest"], "this document keeps its tensor bytes in a binary file (weightsManifest); read it with loadTree");
    }
    if (hasOwn(doc, "weightsCrc32") && !hasOwn(doc, "weightsManifest")) {
        at("weightsCrc32", doc["weightsCrc32"], "weightsCrc32 without a weightsManifest");
    }
    if (errors.length > 0)
        return t.failures(errors);
    return decodeTreeValue(doc["tree"], [...base, { key: "tree", type: errors_1.treeRootType, actual: doc["tree"] }], ctx);
}
/**
 * Validates and decodes the `tree` part of a document; `rootContext` ends with the tree root.
 */
function decodeTreeValue(root, rootContext, ctx) {
    const errors = [];
    const created = [];
    const seen = new Set();
    const resolve = ctx.resolveString;
    const scratch = (0, tensor_1.newDecodeScratch)();
    // The explicit stack: one entry per open container, as parallel arrays.
    const sources = [];
    const outs = [];
    const kinds = [];
    const keyLists = [];
    const nexts = [];
    const lengths = [];
    const entries = []; // entries[i]: how frames[i] is reached (the root: the tree entry)
    let truncated = false;
    const contextOf = (key, actual, extra) => {
        // The tree root's context, then how each open frame is reached, then the value itself.
        const out = rootContext.slice();
        const depth = sources.length;
        for (let i = 1; i < depth; i++)
            out.push(entries[i]);
        if (depth > 0 && key !== undefined)
            out.push({ key, type: t.unknown, actual });
        if (extra !== undefined)
            out.push(...extra);
        return out;
    };
    const fail = (key, actual, message, extra) => {
        if (errors.length < exports.maxDecodeErrors) {
            errors.push({
                value: extra?.[extra.length - 1]?.actual ?? actual,
                context: contextOf(key, actual, extra),
                message,
            });
        }
        else {
            truncated = true;
        }
        return undefined;
    };
    const entry = (key, actual) => ({ key, type: t.unknown, actual });
    const open = (key, node, source, kind, keys, out) => {
        sources.push(source);
        outs.push(out);
        kinds.push(kind);
        keyLists.push(keys);
        nexts.push(0);
        lengths.push(keys === null ? source.length : keys.length);
        entries.push(key === undefined ? rootContext[rootContext.length - 1] : entry(key, node));
        return out;
    };
    /** Checks that `node` has exactly `allowed` fields (all of `required`); reports each problem. */
    const checkFields = (key, node, what, allowed, required) => {
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
    const visit = (value, key) => {
        switch (typeof value) {
            case "string":
            case "boolean":
                return value;
            case "number":
                return Number.isFinite(value)
                    ? value
                    : fail(key, value, `${value} is not a JSON number; write it as { "_tag": "Number", "value": "${value}" }`);
            case "undefined":
                return fail(key, value, `undefined is not JSON; write it as { "_tag": "Undefined" }`);
            case "function":
            case "bigint":
            case "symbol":
                return fail(key, value, `expected JSON data, got ${(0, tensor_1.describeValue)(value)}`);
        }
        if (value === null)
            return null;
        if (seen.has(value)) {
            return fail(key, value, "this object is reached twice (a cycle or a shared node); a document must be a tree");
        }
        if (Array.isArray(value)) {
            seen.add(value);
            if (resolve !== undefined)
                resolveFields(value, resolve);
            return open(key, value, value, ARRAY, null, new Array(value.length));
        }
        if (!isPlainObject(value))
            return fail(key, value, `expected JSON data, got ${(0, tensor_1.describeValue)(value)}`);
        seen.add(value);
        const node = value;
        if (resolve !== undefined)
            resolveFields(node, resolve);
        if (!hasOwn(node, "_tag"))
            return open(key, node, node, OBJECT, Object.keys(node), {});
        const tag = node["_tag"];
        if (typeof tag !== "string") {
            return fail(key, node, `a "_tag" must be a string, got ${(0, tensor_1.describeValue)(tag)}`, [entry("_tag", tag)]);
        }
        switch (tag) {
            case "Number": {
                if (!checkFields(key, node, "a Number node", ["_tag", "value"], ["value"]))
                    return undefined;
                const n = (0, format_1.specialNumberValue)(node["value"]);
                return n !== undefined
                    ? n
                    : fail(key, node, `expected "NaN", "Infinity", "-Infinity" or "-0", got ${(0, tensor_1.describeValue)(node["value"])}`, [entry("value", node["value"])]);
            }
            case "Undefined":
                checkFields(key, node, "an Undefined node", ["_tag"], []);
                return undefined;
            case "Function":
                return decodeFunction(key, node);
            case "Object": {
                if (!checkFields(key, node, "an Object node", ["_tag", "fields"], ["fields"]))
                    return undefined;
                const fields = node["fields"];
                if (!isPlainObject(fields) || seen.has(fields)) {
                    return fail(key, node, `expected the escaped object's fields (a plain object), got ${(0, tensor_1.describeValue)(fields)}`, [entry("fields", fields)]);
                }
                const inner = fields["_tag"];
                if (typeof inner === "string" && ctx.registry.specs.has(inner)) {
                    // In memory an object with a registered `_tag` is that wrapper, whatever its fields: the
                    // encoder never escapes one, and decoding it as plain data would hand back a wrapper
                    // nobody validated (a malformed one fails the next encode or unwrap).
                    return fail(key, node, `an escaped object cannot carry the registered tag ${(0, tensor_1.describeValue)(inner)}: ` +
                        `in memory it would be a ${inner} record; write the record itself`, [entry("fields", fields)]);
                }
                seen.add(fields);
                if (resolve !== undefined)
                    resolveFields(fields, resolve);
                return open(key, node, fields, OBJECT, Object.keys(fields), {});
            }
            case "Tensor":
                return decodeTensor(key, node);
        }
        const spec = ctx.registry.specs.get(tag);
        if (spec === undefined) {
            const known = [...format_1.reservedTags, ...ctx.registry.specs.keys()];
            return fail(key, node, `unknown tag ${(0, tensor_1.describeValue)(tag)} (known: ${known.join(", ")}); register it with registerWrapper, ` +
                `or pass the registry to treeCodec({ registry })`, [entry("_tag", tag)]);
        }
        return decodeWrapper(key, node, spec);
    };
    const decodeFunction = (key, node) => {
        if (!checkFields(key, node, "a Function node", ["_tag", "name"], ["name"]))
            return undefined;
        const name = node["name"];
        const fn = typeof name === "string" && ctx.functions.byName.has(name) ? ctx.functions.byName.get(name) : undefined;
        if (fn === undefined) {
            const known = [...ctx.functions.byName.keys()].sort().join(", ");
            return fail(key, node, `unknown function name ${(0, tensor_1.describeValue)(name)} (known: ${known}); add it with treeCodec({ functions: { name: fn } })`, [entry("name", name)]);
        }
        return fn;
    };
    const decodeTensor = (key, node) => {
        // A payload cut out by parseJsonText: its characters were checked then.
        const raw = node["data"];
        let checkedData = false;
        if (resolve !== undefined && typeof raw === "string" && isPlaceholder(raw)) {
            const data = resolve(raw);
            checkedData = data !== raw;
            (0, internal_1.setOwn)(node, "data", data);
        }
        const payload = hasOwn(node, "weight") ? "weight" : "data";
        const fieldProblems = (0, tensor_1.checkTensorNodeFields)(node, payload);
        if (fieldProblems.length > 0) {
            for (const m of fieldProblems)
                fail(key, node, m);
            return undefined;
        }
        if (payload === "weight")
            return decodeWeightRef(key, node);
        const made = (0, tensor_1.decodeTensorFields)(node["dtype"], node["shape"], node["data"], ctx.checkOnly !== true, scratch, checkedData);
        if (made === null)
            return null;
        if ((0, tensor_1.isTensorValue)(made)) {
            created.push(made);
            return made;
        }
        for (const p of made) {
            const extra = [];
            if (p.field !== undefined) {
                const fieldValue = node[p.field];
                extra.push(entry(p.field, fieldValue));
                if (p.index !== undefined)
                    extra.push(entry(String(p.index), fieldValue[p.index]));
            }
            fail(key, node, p.message, extra);
        }
        return undefined;
    };
    const decodeWeightRef = (key, node) => {
        const name = node["weight"];
        if (ctx.weights === undefined) {
            return fail(key, node, "this tensor refers to a weight in a binary file, but the document has none; read it with loadTree", [entry("weight", name)]);
        }
        const loaded = typeof name === "string" && ctx.weights.has(name) ? ctx.weights.get(name) : undefined;
        if (loaded === undefined) {
            return fail(key, node, `the weight ${(0, tensor_1.describeValue)(name)} is not in the weightsManifest`, [
                entry("weight", name),
            ]);
        }
        const dtype = node["dtype"];
        const shape = node["shape"];
        if (dtype !== loaded.dtype) {
            return fail(key, node, typeof dtype === "string" && dtype !== "float32" && dtype !== "int32" && dtype !== "bool"
                ? (0, tensor_1.unsupportedDtypeMessage)(dtype)
                : `the tensor says dtype ${(0, tensor_1.describeValue)(dtype)} but its weight ${JSON.stringify(name)} is ${loaded.dtype}`, [entry("dtype", dtype)]);
        }
        if (!Array.isArray(shape) ||
            shape.length !== loaded.shape.length ||
            shape.some((d, i) => d !== loaded.shape[i])) {
            return fail(key, node, `the tensor says shape ${Array.isArray(shape) ? `[${shape.map(tensor_1.describeValue).join(", ")}]` : (0, tensor_1.describeValue)(shape)} ` +
                `but its weight ${JSON.stringify(name)} has shape [${loaded.shape.join(", ")}]`, [entry("shape", shape)]);
        }
        ctx.usedWeights?.add(name);
        return ctx.checkOnly === true ? null : loaded.tensor;
    };
    const decodeWrapper = (key, node, spec) => {
        const fields = Object.keys(node).filter((k) => k !== "_tag");
        let ok = true;
        const builtin = internal_1.builtinFields[spec.tag];
        if (builtin !== undefined && defaultRegistry_1.defaultRegistry.specs.get(spec.tag) === spec) {
            const allowed = Object.keys(builtin);
            ok = checkFields(key, node, `a ${spec.tag} node`, ["_tag", ...allowed], allowed);
            for (const f of allowed) {
                const want = builtin[f];
                const v = node[f];
                if (!hasOwn(node, f))
                    continue;
                if (want === "array" && !Array.isArray(v)) {
                    fail(key, node, `expected an array, got ${(0, tensor_1.describeValue)(v)}`, [entry(f, v)]);
                    ok = false;
                }
                else if (want === "function" &&
                    !(isPlainObject(v) && v["_tag"] === "Function")) {
                    fail(key, node, `expected a function node { "_tag": "Function", "name" }, got ${(0, tensor_1.describeValue)(v)}`, [entry(f, v)]);
                    ok = false;
                }
            }
        }
        else {
            for (const child of spec.children) {
                if (!hasOwn(node, child)) {
                    fail(key, node, `a ${spec.tag} node has no "${child}" field (its children are ${spec.children.join(", ")})`);
                    ok = false;
                }
            }
        }
        if (!ok)
            return undefined;
        return open(key, node, node, WRAPPER, fields, { _tag: spec.tag });
    };
    let result;
    try {
        result = visit(root, undefined);
        while (sources.length > 0) {
            if (truncated)
                break;
            const top = sources.length - 1;
            const i = nexts[top];
            if (i >= lengths[top]) {
                if (kinds[top] === WRAPPER)
                    freezeWrapper(outs[top]);
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
                outs[top][i] = visit(source[i], String(i));
            }
            else {
                const k = keyLists[top][i];
                const decoded = visit(source[k], k);
                (0, internal_1.setOwn)(outs[top], k, decoded);
            }
        }
    }
    catch (cause) {
        fail(undefined, root, `decoding failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    if (truncated && errors.length > 0) {
        const lastError = errors[errors.length - 1];
        errors[errors.length - 1] = {
            ...lastError,
            message: `${lastError.message} (stopped after ${exports.maxDecodeErrors} problems)`,
        };
    }
    if (errors.length > 0) {
        for (const x of created)
            x.dispose();
        return t.failures(errors);
    }
    return t.success(result);
}
// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------
/** Wrappers are immutable values: freeze the record, and the built-ins' array fields (as their constructors do). */
function freezeWrapper(out) {
    const builtin = internal_1.builtinFields[out["_tag"]];
    if (builtin !== undefined) {
        for (const f of Object.keys(builtin))
            if (builtin[f] === "array" && Array.isArray(out[f]))
                Object.freeze(out[f]);
    }
    Object.freeze(out);
}
/**
 * Replaces, in place, each placeholder among the own string fields (or elements) of `x`, but
 * the `data` of a tensor node, which `decodeTensor` resolves (knowing its characters checked).
 */
function resolveFields(x, resolve) {
    const record = x;
    const tensor = record["_tag"] === "Tensor" && !Array.isArray(x);
    for (const key of Object.keys(record)) {
        const v = record[key];
        if (typeof v === "string" && isPlaceholder(v) && !(tensor && key === "data"))
            (0, internal_1.setOwn)(record, key, resolve(v));
    }
}
function isPlaceholder(s) {
    return s.charCodeAt(0) === 0;
}
function isPlainObject(x) {
    if (x === null || typeof x !== "object" || Array.isArray(x))
        return false;
    const proto = Object.getPrototypeOf(x);
    return proto === Object.prototype || proto === null;
}
function hasOwn(x, key) {
    return Object.prototype.hasOwnProperty.call(x, key);
}
