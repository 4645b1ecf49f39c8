"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.treeFormat = treeFormat;
const values_1 = require("./values");
// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------
/**
 * A readable, multi-line rendering of `tree` (see the module notes and {@link TreeFormatOptions}).
 * Never throws on cycles (shown as `<cycle>`) and never reads tensor values unless
 * `tensorValues` asks for it.
 *
 * @example
 * tf.tidy(() => treeFormat({ w: tf.zeros([3, 4]), b: null, act: Math.tanh }));
 * // "{ act: tanh, b: null, w: float32[3,4] }"
 * tf.tidy(() => treeFormat({ layers: [{ w: tf.zeros([3, 4]), b: tf.zeros([3]) }] }, { width: 20 }));
 * // {
 * //   layers: [
 * //     {
 * //       b: float32[3],
 * //       w: float32[3,4]
 * //     }
 * //   ]
 * // }
 */
function treeFormat(tree, options) {
    const settings = {
        width: options?.width ?? 80,
        indent: options?.indent ?? 2,
        maxDepth: options?.maxDepth ?? 32,
        maxItems: options?.maxItems ?? 64,
        maxNodes: options?.maxNodes ?? 1000,
        tensorValues: options?.tensorValues ?? 0,
    };
    return layout(toDoc(tree, settings), settings);
}
const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const keyText = (key) => (identifier.test(key) ? key : JSON.stringify(key));
function isContainer(x) {
    if (x === null || typeof x !== "object")
        return false;
    if (Array.isArray(x))
        return true;
    const proto = Object.getPrototypeOf(x);
    return proto === Object.prototype || proto === null;
}
function tagOf(x) {
    const tag = Array.isArray(x) ? undefined : x._tag;
    return typeof tag === "string" ? tag : undefined;
}
function formatNumber(x) {
    if (Object.is(x, -0))
        return "-0";
    return Number.isInteger(x) || !Number.isFinite(x) ? String(x) : String(Number(x.toPrecision(4)));
}
function tensorText(x, settings) {
    const head = `${x.dtype}[${x.shape.join(",")}]`;
    if (x.isDisposed)
        return `${head}(disposed)`;
    if (x.size === 0 || x.size > settings.tensorValues)
        return head;
    const values = Array.from(x.dataSync(), (v) => typeof v === "number"
        ? x.dtype === "bool"
            ? String(v !== 0)
            : formatNumber(v)
        : JSON.stringify(String(v)));
    return `${head}(${values.join(", ")})`;
}
function leafText(x, settings) {
    switch (typeof x) {
        case "number":
            return formatNumber(x);
        case "bigint":
            return `${x}n`;
        case "string":
            return JSON.stringify(x.length > 60 ? `${x.slice(0, 57)}...` : x);
        case "function":
            // tfjs ops are named "exp__op"; show them as "exp".
            return x.name === "" ? "<function>" : x.name.replace(/__op$/, "");
        case "object":
            if (x === null)
                return "null";
            if ((0, values_1.isTensor)(x))
                return tensorText(x, settings);
            if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
                return `${x.constructor.name}(${x.length})`;
            }
            return `<${constructorName(x)}>`;
        default:
            return String(x);
    }
}
/** The doc of `root`, built with an explicit stack of open containers. */
function toDoc(root, settings) {
    const ancestors = new Set();
    let budget = settings.maxNodes;
    const stack = [];
    // A leaf's text, a collapsed container's text, or a new frame (pushed) for a container.
    const open = (value, depth) => {
        if (!isContainer(value))
            return leafText(value, settings);
        if (ancestors.has(value))
            return "<cycle>";
        const tag = tagOf(value);
        const keys = Array.isArray(value)
            ? null
            : tag !== undefined
                ? Object.keys(value).filter((k) => k !== "_tag")
                : Object.keys(value).sort();
        const length = keys === null ? value.length : keys.length;
        const [openText, closeText] = Array.isArray(value)
            ? ["[", "]"]
            : tag !== undefined
                ? [`${tag}(`, ")"]
                : ["{", "}"];
        if (length === 0)
            return openText + closeText;
        if (depth >= settings.maxDepth || budget <= 0)
            return `${openText}...${closeText}`;
        budget--;
        const shown = Math.min(length, settings.maxItems);
        const entries = new Array(shown);
        for (let i = 0; i < shown; i++) {
            if (keys === null)
                entries[i] = ["", value[i]];
            else {
                const key = keys[i];
                entries[i] = [
                    tag !== undefined ? `${keyText(key)}=` : `${keyText(key)}: `,
                    value[key],
                ];
            }
        }
        const group = {
            open: openText,
            close: closeText,
            pad: keys !== null && tag === undefined,
            prefixes: [],
            docs: [],
            flatLength: 0,
        };
        ancestors.add(value);
        stack.push({ value, group, entries, more: length - shown, depth, next: 0 });
        return group;
    };
    const rootDoc = open(root, 0);
    while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.next < top.entries.length) {
            const [prefix, child] = top.entries[top.next++];
            top.group.prefixes.push(prefix);
            top.group.docs.push(open(child, top.depth + 1));
            continue;
        }
        const g = top.group;
        if (top.more > 0) {
            g.prefixes.push("");
            g.docs.push(`... ${top.more} more`);
        }
        let length = g.open.length + g.close.length + (g.pad ? 2 : 0) + 2 * (g.docs.length - 1);
        for (let i = 0; i < g.docs.length; i++) {
            const d = g.docs[i];
            length += g.prefixes[i].length + (typeof d === "string" ? d.length : d.flatLength);
        }
        g.flatLength = length;
        ancestors.delete(top.value);
        stack.pop();
    }
    return rootDoc;
}
// -------------------------------------------------------------------------------------
// internals: docs to text
// -------------------------------------------------------------------------------------
/** Appends the one-line form of `doc` to `out`, iteratively. */
function writeFlat(doc, out) {
    const todo = [doc];
    while (todo.length > 0) {
        const d = todo.pop();
        if (typeof d === "string") {
            out.push(d);
            continue;
        }
        out.push(d.pad ? `${d.open} ` : d.open);
        todo.push(d.pad ? ` ${d.close}` : d.close);
        for (let i = d.docs.length - 1; i >= 0; i--) {
            todo.push(d.docs[i]);
            todo.push(i === 0 ? d.prefixes[i] : `, ${d.prefixes[i]}`);
        }
    }
}
/** Lays `root` out: one line when it fits, otherwise one child per line. */
function layout(root, settings) {
    const lines = [];
    let line = [];
    let column = 0;
    const write = (text) => {
        line.push(text);
        column += text.length;
    };
    const newline = (indent) => {
        lines.push(line.join(""));
        line = [];
        column = 0;
        write(" ".repeat(indent));
    };
    const todo = [{ newline: false, indent: 0, prefix: "", doc: root, suffix: "" }];
    while (todo.length > 0) {
        const task = todo.pop();
        if (task.newline)
            newline(task.indent);
        write(task.prefix);
        const d = task.doc;
        if (typeof d === "string") {
            write(d + task.suffix);
            continue;
        }
        if (column + d.flatLength + task.suffix.length <= settings.width) {
            const parts = [];
            writeFlat(d, parts);
            for (const p of parts)
                line.push(p);
            column += d.flatLength;
            write(task.suffix);
            continue;
        }
        write(d.open);
        todo.push({ newline: true, indent: task.indent, prefix: "", doc: d.close, suffix: task.suffix });
        const inner = task.indent + settings.indent;
        if (!d.pad && d.prefixes.every((p) => p === "") && d.docs.every((c) => typeof c === "string")) {
            // An array of leaves: fill each line with as many as fit, as a long vector reads best.
            newline(inner);
            for (let i = 0; i < d.docs.length; i++) {
                const text = d.docs[i] + (i === d.docs.length - 1 ? "" : ",");
                if (i > 0 && column + 1 + text.length > settings.width)
                    newline(inner);
                else if (i > 0)
                    write(" ");
                write(text);
            }
            continue;
        }
        for (let i = d.docs.length - 1; i >= 0; i--) {
            todo.push({
                newline: true,
                indent: inner,
                prefix: d.prefixes[i],
                doc: d.docs[i],
                suffix: i === d.docs.length - 1 ? "" : ",",
            });
        }
    }
    lines.push(line.join(""));
    return lines.join("\n");
}
function constructorName(x) {
    const name = x.constructor?.name;
    return typeof name === "string" && name !== "" ? name : "object";
}
