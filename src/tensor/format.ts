/**
 * `treeFormat`: a readable, multi-line rendering of a tree, in the spirit of equinox's pretty
 * printer.
 *
 * Tensors show as `dtype[shape]` (`float32[3,4]`), wrappers and other tagged records by tag and
 * fields (`Parameterize(fn=exp, args=[float32[3]])`), objects with their keys in leaf order
 * (sorted), functions by name. A container is written on one line when it fits in `width`, and
 * otherwise one child per line, indented.
 *
 * It is a renderer, not a traversal of the tree model: it shows everything it is given (static
 * fields of records included), stops at `maxDepth`, `maxItems` and `maxNodes` so that a huge tree
 * gives a readable page rather than megabytes, marks cycles instead of failing, and runs on
 * explicit stacks so that depth never overflows the call stack. A node that breaks the node rules
 * (a hole, a symbol-keyed, non-enumerable or accessor property: see `core/rules.ts`) is shown as
 * such, `<refused: ...>`, as every tree function would refuse it, and a getter is never run. It
 * takes the tree options:
 * `isLeaf` shows a node as a leaf, and instances of a class registered with `registerNodeType`
 * show by their flatten (`Point(x=1, y=2)`).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { isTensor } from "./values";
import type { TreeOptions } from "../core/options";
import type { NodeTypeSpec, Registry } from "../core/registry";
import { NodeRuleError, NodeTypeError, checkOrdinary, firstHole, ownTag } from "../core/rules";
import { readNodeType } from "../core/node";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of {@link treeFormat}.
 *
 * @example
 * treeFormat({ lr: 0.1, layers: [[1, 2], [3, 4]] }, { width: 20, tensorValues: 4 });
 */
export interface TreeFormatOptions extends TreeOptions {
  /** Line width to fit containers in (default 80). */
  readonly width?: number | undefined;
  /** Spaces per indentation level (default 2). */
  readonly indent?: number | undefined;
  /** Containers deeper than this show as `[...]`, `{...}` or `Tag(...)` (default 32). */
  readonly maxDepth?: number | undefined;
  /** Children shown per container; the rest are counted as `... 5 more` (default 64). */
  readonly maxItems?: number | undefined;
  /** Containers expanded in total; later ones are collapsed like deep ones (default 1000). */
  readonly maxNodes?: number | undefined;
  /** Tensors with at most this many elements also show their values: `float32[2](1, 2)` (default 0). */
  readonly tensorValues?: number | undefined;
}

/** A laid-out piece: text, or a container with its children. */
type Doc = string | Group;

interface Group {
  readonly open: string;
  readonly close: string;
  /** Pad the inside with spaces when written on one line (`{ a: 1 }`). */
  readonly pad: boolean;
  readonly prefixes: string[];
  readonly docs: Doc[];
  /** Length of the one-line form, computed once every child is done. */
  flatLength: number;
}

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
export function treeFormat(tree: unknown, options?: TreeFormatOptions): string {
  const settings: Settings = {
    isLeaf: options?.isLeaf,
    registry: options?.registry,
    width: options?.width ?? 80,
    indent: options?.indent ?? 2,
    maxDepth: options?.maxDepth ?? 32,
    maxItems: options?.maxItems ?? 64,
    maxNodes: options?.maxNodes ?? 1000,
    tensorValues: options?.tensorValues ?? 0,
  };
  return layout(toDoc(tree, settings), settings);
}

// -------------------------------------------------------------------------------------
// internals: values to docs
// -------------------------------------------------------------------------------------

interface Settings {
  readonly isLeaf: ((node: unknown) => boolean) | undefined;
  readonly registry: Registry | undefined;
  readonly width: number;
  readonly indent: number;
  readonly maxDepth: number;
  readonly maxItems: number;
  readonly maxNodes: number;
  readonly tensorValues: number;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const keyText = (key: string): string => (identifier.test(key) ? key : JSON.stringify(key));

function isContainer(x: unknown): x is object {
  if (x === null || typeof x !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return Array.isArray(x) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

/** The registered node type of `x`, if any (see `registerNodeType`). */
function customNode(x: unknown, settings: Settings): NodeTypeSpec | undefined {
  if (x === null || typeof x !== "object" || settings.registry === undefined) return undefined;
  const types = settings.registry.types;
  return types.size === 0 ? undefined : types.get(Object.getPrototypeOf(x) as object);
}

/** What rule `x` (an array or plain object) breaks, if any, before any of its values is read. */
function brokenRule(x: object): string | undefined {
  if (Array.isArray(x)) {
    const hole = firstHole(x);
    return hole === undefined ? undefined : `a hole at index ${hole}`;
  }
  try {
    checkOrdinary(x);
    return undefined;
  } catch (cause) {
    if (cause instanceof NodeRuleError) return cause.message;
    throw cause;
  }
}

function tagOf(x: object): string | undefined {
  const tag = Array.isArray(x) ? undefined : ownTag(x); // a getter is never run
  return typeof tag === "string" ? tag : undefined;
}

function formatNumber(x: number): string {
  if (Object.is(x, -0)) return "-0";
  return Number.isInteger(x) || !Number.isFinite(x) ? String(x) : String(Number(x.toPrecision(4)));
}

function tensorText(x: tf.Tensor, settings: Settings): string {
  const head = `${x.dtype}[${x.shape.join(",")}]`;
  if (x.isDisposed) return `${head}(disposed)`;
  if (x.size === 0 || x.size > settings.tensorValues) return head;
  const values = Array.from(x.dataSync() as ArrayLike<unknown>, (v) =>
    typeof v === "number"
      ? x.dtype === "bool"
        ? String(v !== 0)
        : formatNumber(v)
      : JSON.stringify(String(v)),
  );
  return `${head}(${values.join(", ")})`;
}

function leafText(x: unknown, settings: Settings): string {
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
      if (x === null) return "null";
      if (isTensor(x)) return tensorText(x, settings);
      if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
        return `${x.constructor.name}(${(x as unknown as ArrayLike<unknown>).length})`;
      }
      return `<${constructorName(x)}>`;
    default:
      return String(x);
  }
}

interface Frame {
  readonly value: object;
  readonly group: Group;
  readonly entries: [string, unknown][];
  readonly more: number;
  readonly depth: number;
  next: number;
}

/**
 * A node type's keys and children, or what went wrong (a display function shows a node the tree
 * functions would refuse, rather than failing).
 */
function readCustom(
  value: object,
  spec: NodeTypeSpec,
): { readonly keys: readonly unknown[]; readonly children: readonly unknown[] } | string {
  try {
    return readNodeType(value, spec);
  } catch (e) {
    if (e instanceof NodeTypeError) return e.message;
    throw e;
  }
}

/** The doc of `root`, built with an explicit stack of open containers. */
function toDoc(root: unknown, settings: Settings): Doc {
  const ancestors = new Set<object>();
  let budget = settings.maxNodes;
  const stack: Frame[] = [];

  // A leaf's text, a collapsed container's text, or a new frame (pushed) for a container.
  const open = (value: unknown, depth: number): Doc => {
    if (settings.isLeaf !== undefined && settings.isLeaf(value)) return leafText(value, settings);
    const custom = customNode(value, settings);
    if (custom !== undefined) return openCustom(value as object, custom, depth);
    if (!isContainer(value)) return leafText(value, settings);
    if (ancestors.has(value)) return "<cycle>";
    const broken = brokenRule(value);
    if (broken !== undefined) return `<refused: ${broken}>`;
    const tag = tagOf(value);
    const keys = Array.isArray(value)
      ? null
      : tag !== undefined
        ? Object.keys(value).filter((k) => k !== "_tag")
        : Object.keys(value).sort();
    const length = keys === null ? (value as unknown[]).length : keys.length;
    const [openText, closeText] = Array.isArray(value)
      ? ["[", "]"]
      : tag !== undefined
        ? [`${tag}(`, ")"]
        : ["{", "}"];
    if (length === 0) return openText + closeText;
    if (depth >= settings.maxDepth || budget <= 0) return `${openText}...${closeText}`;
    budget--;
    const shown = Math.min(length, settings.maxItems);
    const entries = new Array<[string, unknown]>(shown);
    for (let i = 0; i < shown; i++) {
      if (keys === null) entries[i] = ["", (value as unknown[])[i]];
      else {
        const key = keys[i] as string;
        entries[i] = [
          tag !== undefined ? `${keyText(key)}=` : `${keyText(key)}: `,
          (value as Record<string, unknown>)[key],
        ];
      }
    }
    const group: Group = {
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

  // An instance of a registered node type: its flatten's keys and children, as `Name(key=child)`.
  const openCustom = (value: object, spec: NodeTypeSpec, depth: number): Doc => {
    if (ancestors.has(value)) return "<cycle>";
    const broken = brokenRule(value);
    if (broken !== undefined) return `<refused: ${broken}>`;
    const flat = readCustom(value, spec);
    if (typeof flat === "string") return `<refused: ${flat}>`;
    const { keys, children } = flat;
    const openText = `${spec.name}(`;
    if (children.length === 0) return `${openText})`;
    if (depth >= settings.maxDepth || budget <= 0) return `${openText}...)`;
    budget--;
    const shown = Math.min(children.length, settings.maxItems);
    const entries = new Array<[string, unknown]>(shown);
    for (let i = 0; i < shown; i++) entries[i] = [`${String(keys[i])}=`, children[i]];
    const group: Group = { open: openText, close: ")", pad: false, prefixes: [], docs: [], flatLength: 0 };
    ancestors.add(value);
    stack.push({ value, group, entries, more: children.length - shown, depth, next: 0 });
    return group;
  };

  const rootDoc = open(root, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    if (top.next < top.entries.length) {
      const [prefix, child] = top.entries[top.next++] as [string, unknown];
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
      const d = g.docs[i] as Doc;
      length += (g.prefixes[i] as string).length + (typeof d === "string" ? d.length : d.flatLength);
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
function writeFlat(doc: Doc, out: string[]): void {
  const todo: Doc[] = [doc];
  while (todo.length > 0) {
    const d = todo.pop() as Doc;
    if (typeof d === "string") {
      out.push(d);
      continue;
    }
    out.push(d.pad ? `${d.open} ` : d.open);
    todo.push(d.pad ? ` ${d.close}` : d.close);
    for (let i = d.docs.length - 1; i >= 0; i--) {
      todo.push(d.docs[i] as Doc);
      todo.push(i === 0 ? (d.prefixes[i] as string) : `, ${d.prefixes[i] as string}`);
    }
  }
}

interface Task {
  /** Start a new line at `indent` with `prefix` before the doc (false for the root). */
  readonly newline: boolean;
  readonly indent: number;
  readonly prefix: string;
  readonly doc: Doc;
  /** Text right after the doc (`,` between siblings). */
  readonly suffix: string;
}

/** Lays `root` out: one line when it fits, otherwise one child per line. */
function layout(root: Doc, settings: Settings): string {
  const lines: string[] = [];
  let line: string[] = [];
  let column = 0;
  const write = (text: string): void => {
    line.push(text);
    column += text.length;
  };
  const newline = (indent: number): void => {
    lines.push(line.join(""));
    line = [];
    column = 0;
    write(" ".repeat(indent));
  };
  const todo: Task[] = [{ newline: false, indent: 0, prefix: "", doc: root, suffix: "" }];
  while (todo.length > 0) {
    const task = todo.pop() as Task;
    if (task.newline) newline(task.indent);
    write(task.prefix);
    const d = task.doc;
    if (typeof d === "string") {
      write(d + task.suffix);
      continue;
    }
    if (column + d.flatLength + task.suffix.length <= settings.width) {
      const parts: string[] = [];
      writeFlat(d, parts);
      for (const p of parts) line.push(p);
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
        const text = (d.docs[i] as string) + (i === d.docs.length - 1 ? "" : ",");
        if (i > 0 && column + 1 + text.length > settings.width) newline(inner);
        else if (i > 0) write(" ");
        write(text);
      }
      continue;
    }
    for (let i = d.docs.length - 1; i >= 0; i--) {
      todo.push({
        newline: true,
        indent: inner,
        prefix: d.prefixes[i] as string,
        doc: d.docs[i] as Doc,
        suffix: i === d.docs.length - 1 ? "" : ",",
      });
    }
  }
  lines.push(line.join(""));
  return lines.join("\n");
}

function constructorName(x: object): string {
  const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "object";
}
