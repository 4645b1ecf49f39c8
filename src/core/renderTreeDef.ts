/**
 * The text of a `TreeDef` (`TreeDef.toString`) and of record static fields, for messages.
 *
 * The text is written forwards into one list of pieces joined once, with a stack of open nodes
 * instead of recursion: a parent's text is never rebuilt from its children's, so deep trees cost
 * their length, and a cut rendering stops writing once it has enough.
 *
 * @internal
 * @module
 */
import { staticFields } from "./build";
import { staticText } from "./staticText";
import { ARRAY, CUSTOM, LEAF, NONE, OBJECT, RECORD, type Meta } from "./node";
import type { NodeTypeSpec, RecordSpec } from "./registry";

/**
 * `TreeDef(...)` for pre-order nodes; over `maxLength` characters, the first `maxLength - 4`
 * followed by `...)`.
 *
 * @example
 * renderTreeDef(treeStructure({ w: [1, 2], b: null }).nodes); // "TreeDef({ b: null, w: [*, *] })"
 * renderTreeDef(treeStructure([1, 2, 3, 4, 5, 6]).nodes, 12); // "TreeDef(...)"
 */
export function renderTreeDef(nodes: readonly Meta[], maxLength?: number): string {
  // A cut keeps at most `maxLength` characters, so writing one more tells whether to cut. Below 4
  // the slice end is negative and counts from the end: that needs the whole text.
  const budget = maxLength !== undefined && maxLength >= 4 ? Math.floor(maxLength) + 1 : Infinity;
  const text = render(nodes, budget);
  return maxLength !== undefined && text.length > maxLength ? `${text.slice(0, maxLength - 4)}...)` : text;
}

/** The whole text, or a prefix of it at least `budget` characters long. */
function render(nodes: readonly Meta[], budget: number): string {
  const out: string[] = [];
  let length = 0;
  const emit = (piece: string): void => {
    out.push(piece);
    length += piece.length;
  };
  emit("TreeDef(");
  const open: Meta[] = [];
  const next: number[] = [];
  for (let n = 0; n < nodes.length; n++) {
    if (length >= budget) return out.join("");
    const depth = open.length;
    if (depth > 0) {
      const i = next[depth - 1] as number;
      next[depth - 1] = i + 1;
      emit(childPrefix(open[depth - 1] as Meta, i));
    }
    const meta = nodes[n] as Meta;
    emit(opening(meta));
    if (meta.kind >= ARRAY) {
      if (meta.arity > 0) {
        open.push(meta);
        next.push(0);
      } else emit(closing(meta));
    }
    // The node just written may be the last child of its parent, and that of its own parent...
    while (open.length > 0 && next[open.length - 1] === (open[open.length - 1] as Meta).arity) {
      emit(closing(open.pop() as Meta));
      next.pop();
    }
  }
  emit(")");
  return out.join("");
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** What comes before child `i` of `parent`: the separator and the child's key. */
function childPrefix(parent: Meta, i: number): string {
  const separator = i === 0 ? "" : ", ";
  switch (parent.kind) {
    case OBJECT: {
      const key = parent.keys[i] as string;
      return `${separator}${identifier.test(key) ? key : JSON.stringify(key)}: `;
    }
    case RECORD:
      return `${separator}${parent.keys[i] as string}=`;
    case CUSTOM:
      return `${separator}${JSON.stringify(parent.keys[i])}: `;
    default:
      return separator;
  }
}

/** A node's text before its children (all of it, for leaves and empty nodes). */
function opening(meta: Meta): string {
  switch (meta.kind) {
    case LEAF:
      return "*";
    case NONE:
      return meta.value === null ? "null" : "undefined";
    case ARRAY:
      return "[";
    case OBJECT:
      return meta.arity === 0 ? "{}" : "{ ";
    case RECORD:
      return `${tagOf(meta)}(`;
    case CUSTOM:
      return `${(meta.spec as NodeTypeSpec).name}(`;
  }
}

/** A container's text after its children: a record's static fields follow them. */
function closing(meta: Meta): string {
  switch (meta.kind) {
    case ARRAY:
      return "]";
    case OBJECT:
      return meta.arity === 0 ? "" : " }";
    case RECORD: {
      const statics = staticFields(meta).map(([k, v]) => `${k}=${staticText(v)}`);
      if (statics.length === 0) return ")";
      return `${meta.arity === 0 ? "" : ", "}${statics.join(", ")})`;
    }
    default:
      return ")";
  }
}

/** A record node's tag. */
export function tagOf(meta: Meta): string {
  return (meta.spec as RecordSpec).tag;
}

/** A record node's static fields as `k=v, ...`, for telling apart records of one tag. */
export function renderStatics(meta: Meta): string {
  const fields = staticFields(meta);
  return fields.length === 0
    ? "no static fields"
    : fields.map(([k, v]) => `${k}=${staticText(v)}`).join(", ");
}
