/**
 * Programs: straight-line code compiled for one tree structure, used when the same structure comes
 * back again and again (a training loop flattens, maps and rebuilds the same parameter tree at
 * every step).
 *
 * Why: the general walk must discover the structure of every tree it is given: a `for...in` per
 * object to learn its keys, a sort (cached per shape) to visit them in sorted order, a branch per
 * node on what it is, and a record of every node to build the `TreeDef`. When the structure is
 * already known, all that remains is to *check* it, and code written for that structure checks it
 * with the cheapest operations there are: named property loads with constant keys (which V8's
 * inline caches turn into a map check and a field load), an array length, a `typeof`, and one
 * `for...in` per object comparing its keys with the expected ones, in order. The leaves go to
 * known positions of an array allocated at its final size, and the `TreeDef` needs no building: it
 * is the very value the program was compiled from (immutable, so it can be shared).
 *
 * How a program stays correct: it accepts a tree only if the general walk would give exactly the
 * program's `TreeDef` for it (the same metas, node for node), and it gives up (`false`) at the
 * first node that differs in any way; the caller then runs the general walk, which produces the
 * result or the error the user would have had anyway. Programs are made only for structures the
 * walk classified without consulting anything but the tree: no registered records, no object with
 * a `_tag` key (the registry decides whether those are records), no null-prototype objects and no
 * `__proto__` keys (rare, and a literal cannot rebuild them), no `isLeaf` option.
 *
 * When programs are made: after the general walk has produced the same structure (the same
 * metas, pointer for pointer, which the shape cache of `nodes.ts` gives trees built alike) on
 * three calls in a row. Up to four programs are kept, most recently used first; one that keeps
 * failing is dropped. Where code generation is forbidden (a page whose Content-Security-Policy
 * disallows `unsafe-eval`) nothing is compiled and the general walk does everything.
 *
 * Code size: subtrees that occur more than once (the blocks of a ResNet, the layers of an MLP) are
 * compiled once, as a function called with the offset of their first leaf; arrays of identical
 * children become loops. Structures whose code would still be large (or whose calls would nest
 * deeper than `MAX_NESTING`) get no program.
 *
 * @internal
 * @module
 */
import type { KeyPath } from "./keyPath";
import { ARRAY, LEAF, NONE, OBJECT, keysAre, type NodeMeta, type ObjectMeta } from "./nodes";
import type { ResolvedOptions } from "./options";
import type { TreeDef } from "./treedef";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Checks a tree against one structure and, when it matches, writes its leaves to `out`. */
type Reader = (tree: unknown, out: unknown[], base: number) => boolean;
/** Builds a tree of one structure from its leaves. */
type Builder = (leaves: readonly unknown[], base: number) => unknown;

/** A structure's compiled reader, and what it needs beside. */
export interface FlattenProgram {
  /** The structure: what `treeFlatten` returns for every tree the program accepts. */
  readonly def: TreeDef;
  readonly noneIsLeaf: boolean;
  readonly read: Reader;
  /** The leaf paths of `def`, computed on first use (`treeFlattenWithPath` copies them). */
  paths: readonly KeyPath[] | null;
  hits: number;
  /** Failures since the last success. */
  misses: number;
}

/** @internal Switches, for tests and the benchmark (which times the general walk too). */
export const programSettings = {
  /** Whether programs are made and used at all. */
  enabled: true,
  /** Same structure on this many calls in a row before a program is compiled. */
  compileAfter: 3,
};

/** @internal Counters, for tests: a program that is never used would go unnoticed otherwise. */
export const programStats = { compiled: 0, functions: 0, refused: 0, hits: 0, misses: 0, unflattenHits: 0 };

const MAX_PROGRAMS = 4;
/** Failures in a row (no success between them) after which a program is dropped. */
const MAX_MISSES_IN_A_ROW = 8;
/** Nodes over which a structure gets no program (the generated code grows with distinct subtrees). */
const MAX_NODES = 1 << 20;
/** Generated source over which a structure gets no program. */
const MAX_SOURCE = 1 << 21;
/** Nesting of generated calls over which a structure gets no program (the call stack is finite). */
const MAX_NESTING = 400;
/** Subtrees of at least this many nodes get a function of their own (shared where they repeat). */
const SPLIT_NODES = 12;
/**
 * More functions than this, with fewer than `MIN_NODES_PER_FUNCTION` nodes per function on
 * average, and a structure gets no program (see `emitFunctions`). The optree shapes need 2-8
 * functions (ResNet152: 8 for 4,932 nodes); a chain of 100 distinct levels needs 100 for 1,001.
 */
const MAX_UNSHARED_FUNCTIONS = 16;
const MIN_NODES_PER_FUNCTION = 20;
/** Arrays of at least this many identical children are read and built by a loop. */
const LOOP_ARITY = 4;

// -------------------------------------------------------------------------------------
// analysis: the node tree of a TreeDef, with subtree sizes and shared-subtree ids
// -------------------------------------------------------------------------------------

interface Analysis {
  readonly nodes: readonly NodeMeta[];
  /** Nodes in the subtree rooted at node `n`. */
  readonly size: Int32Array;
  /** Leaves in the subtree rooted at node `n`. */
  readonly leaves: Int32Array;
  /** Equal ids for equal subtrees (same metas, node for node). */
  readonly sig: Int32Array;
  /** Whether node `n` is an array whose children are all alike (read and built by a loop). */
  readonly loop: Uint8Array;
  /** Whether subtree id `s` is compiled as a function of its own. */
  readonly own: Uint8Array;
}

/** The analysis of `def`'s nodes, or `null` when the structure gets no program. */
function analyse(def: TreeDef): Analysis | null {
  const nodes = def.nodes;
  const count = nodes.length;
  if (count > MAX_NODES) return null;
  // The cheap refusals first (a tree of wrappers has records all over it).
  for (let n = 0; n < count; n++) if ((nodes[n] as NodeMeta).kind > OBJECT) return null;
  const size = new Int32Array(count);
  const leaves = new Int32Array(count);
  const sig = new Int32Array(count);
  const loop = new Uint8Array(count);
  const metaIds = new Map<NodeMeta, number>();
  const sigIds = new Map<string, number>();
  // Backwards: a node's children (the subtrees following it) are done before it.
  for (let n = count - 1; n >= 0; n--) {
    const meta = nodes[n] as NodeMeta;
    if (meta.kind === OBJECT) {
      const om = meta as ObjectMeta;
      if (om.nullProto || om.protoKey || om.keys.includes("_tag")) return null;
    } else if (meta.kind !== LEAF && meta.kind !== NONE && meta.kind !== ARRAY) return null;
    // Arrays by length (metas of arrays of 256 elements or more are made per node).
    let key: string;
    if (meta.kind === ARRAY) key = `a${meta.arity}`;
    else {
      let metaId = metaIds.get(meta);
      if (metaId === undefined) metaIds.set(meta, (metaId = metaIds.size));
      key = `${metaId}`;
    }
    let s = 1;
    let l = meta.kind === LEAF ? 1 : 0;
    if (meta.kind === ARRAY || meta.kind === OBJECT) {
      let c = n + 1;
      let alike = meta.kind === ARRAY && meta.arity >= LOOP_ARITY;
      const first = sig[c];
      for (let j = 0; j < meta.arity; j++) {
        key += `,${sig[c]}`;
        if (sig[c] !== first) alike = false;
        s += size[c] as number;
        l += leaves[c] as number;
        c += size[c] as number;
      }
      if (alike) loop[n] = 1;
    }
    size[n] = s;
    leaves[n] = l;
    let id = sigIds.get(key);
    if (id === undefined) sigIds.set(key, (id = sigIds.size));
    sig[n] = id;
  }
  const own = new Uint8Array(sigIds.size);
  own[sig[0] as number] = 1;
  for (let n = 0; n < count; n++) {
    if ((size[n] as number) >= SPLIT_NODES) own[sig[n] as number] = 1;
    if (loop[n] === 1) {
      own[sig[n] as number] = 1;
      const child = nodes[n + 1] as NodeMeta;
      if (child.kind === ARRAY || child.kind === OBJECT) own[sig[n + 1] as number] = 1;
    }
  }
  return { nodes, size, leaves, sig, loop, own };
}

/** The indices of node `n`'s children. */
function childrenOf(a: Analysis, n: number): number[] {
  const meta = a.nodes[n] as NodeMeta;
  const out: number[] = [];
  if (meta.kind !== ARRAY && meta.kind !== OBJECT) return out;
  let c = n + 1;
  for (let j = 0; j < meta.arity; j++) {
    out.push(c);
    c += a.size[c] as number;
  }
  return out;
}

/** The insertion-order keys of an object meta (`keys` is sorted; `order` maps back). */
function insertionKeys(meta: ObjectMeta): string[] {
  const { keys, order } = meta;
  if (order === null) return keys.slice();
  return keys.map((_, i) => keys[order[i] as number] as string);
}

/**
 * Emits one function per subtree id marked `own`, each from its first occurrence, with `emit`
 * writing the body; returns the functions' sources and checks the nesting and size bounds.
 */
function emitFunctions(a: Analysis, emit: (n: number, body: string[]) => void): string[] | null {
  const firstOf = new Map<number, number>();
  for (let n = 0; n < a.nodes.length; n++) {
    const s = a.sig[n] as number;
    if (a.own[s] === 1 && !firstOf.has(s)) firstOf.set(s, n);
  }
  // Nesting: own functions called from own functions, deepest chain.
  const nest = new Int32Array(a.nodes.length);
  for (let n = a.nodes.length - 1; n >= 0; n--) {
    let deepest = 0;
    for (const c of childrenOf(a, n)) deepest = Math.max(deepest, nest[c] as number);
    nest[n] = deepest + (a.own[a.sig[n] as number] === 1 ? 1 : 0);
    if ((nest[n] as number) > MAX_NESTING) return null;
  }
  // Little sharing (a chain whose every level is a different subtree): one small function per
  // node group, each run once per call; measured slower than the walk (treeMap 1.7-3.3x).
  if (firstOf.size > MAX_UNSHARED_FUNCTIONS && firstOf.size * MIN_NODES_PER_FUNCTION > a.nodes.length)
    return null;
  programStats.functions += firstOf.size;
  const sources: string[] = [];
  let length = 0;
  for (const n of firstOf.values()) {
    const body: string[] = [];
    emit(n, body);
    const text = body.join("\n");
    length += text.length;
    if (length > MAX_SOURCE) return null;
    sources.push(text);
  }
  return sources;
}

/** Compiles `source` with the named helpers; `null` where code generation is not allowed. */
function compile<F>(names: readonly string[], values: readonly unknown[], source: string): F | null {
  if (codegenForbidden) return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function(...names, `"use strict";\n${source}`) as (...args: unknown[]) => F;
    return factory(...values);
  } catch (e) {
    // A SyntaxError would be a bug of ours: this structure gets no program, the others still may.
    // Anything else is a ban on code generation (a Content-Security-Policy's EvalError, or what
    // another engine throws for it): never try again, the general walk is always there.
    if (!(e instanceof SyntaxError)) codegenForbidden = true;
    return null;
  }
}
let codegenForbidden = false;

// -------------------------------------------------------------------------------------
// the reader: checks a tree against the structure, collecting its leaves
// -------------------------------------------------------------------------------------

function readerSource(a: Analysis, noneIsLeaf: boolean, keyLists: string[][]): string | null {
  const keyIndex = new Map<ObjectMeta, number>();
  const keyListOf = (meta: ObjectMeta): number => {
    let k = keyIndex.get(meta);
    if (k === undefined) {
      keyIndex.set(meta, (k = keyLists.length));
      keyLists.push(insertionKeys(meta));
    }
    return k;
  };
  // The general walk's leaf test, inverted: what is *not* a leaf for it.
  const notLeaf = (v: string): string =>
    noneIsLeaf
      ? `(typeof ${v} === "object" && ${v} !== null && (A(${v}) || (p = GP(${v})) === OP || p === null))`
      : `(typeof ${v} === "object" ? ${v} === null || A(${v}) || (p = GP(${v})) === OP || p === null : ${v} === undefined)`;
  const sources = emitFunctions(a, (root, body) => {
    let vars = 0;
    const node = (n: number, v: string, off: string, top: boolean): void => {
      const meta = a.nodes[n] as NodeMeta;
      const s = a.sig[n] as number;
      if (!top && a.own[s] === 1) {
        body.push(`if (!R${s}(${v}, out, ${off})) return false;`);
        return;
      }
      switch (meta.kind) {
        case LEAF:
          body.push(`if (${notLeaf(v)}) return false;`, `out[${off}] = ${v};`);
          return;
        case NONE:
          body.push(`if (${v} !== ${meta.value === null ? "null" : "undefined"}) return false;`);
          return;
        case ARRAY: {
          body.push(`if (!A(${v}) || ${v}.length !== ${meta.arity}) return false;`);
          const kids = childrenOf(a, n);
          if (a.loop[n] === 1) {
            const c = kids[0] as number;
            const child = a.nodes[c] as NodeMeta;
            const per = a.leaves[c] as number;
            const e = `e${vars++}`;
            body.push(`for (let i = 0; i < ${meta.arity}; i++) {`, `const ${e} = ${v}[i];`);
            if (child.kind === LEAF) body.push(`if (${notLeaf(e)}) return false;`, `out[${off} + i] = ${e};`);
            else if (child.kind === NONE) {
              body.push(`if (${e} !== ${child.value === null ? "null" : "undefined"}) return false;`);
            } else body.push(`if (!R${a.sig[c]}(${e}, out, ${off} + i * ${per})) return false;`);
            body.push("}");
            return;
          }
          let at = 0;
          for (let j = 0; j < kids.length; j++) {
            const c = kids[j] as number;
            const e = `e${vars++}`;
            body.push(`const ${e} = ${v}[${j}];`);
            node(c, e, `${off} + ${at}`, false);
            at += a.leaves[c] as number;
          }
          return;
        }
        case OBJECT: {
          const om = meta as ObjectMeta;
          body.push(
            `if (typeof ${v} !== "object" || ${v} === null || A(${v}) || GP(${v}) !== OP || !K(${v}, KEYS[${keyListOf(om)}])) return false;`,
          );
          const kids = childrenOf(a, n);
          let at = 0;
          for (let j = 0; j < kids.length; j++) {
            const c = kids[j] as number;
            const e = `e${vars++}`;
            body.push(`const ${e} = ${v}[${JSON.stringify(om.keys[j])}];`);
            node(c, e, `${off} + ${at}`, false);
            at += a.leaves[c] as number;
          }
          return;
        }
      }
    };
    body.push(`function R${a.sig[root]}(v, out, b) {`, "let p;");
    node(root, "v", "b", true);
    body.push("return true;", "}");
  });
  if (sources === null) return null;
  return `${sources.join("\n")}\nreturn R${a.sig[0]};`;
}

// -------------------------------------------------------------------------------------
// the builder: a tree of the structure from its leaves
// -------------------------------------------------------------------------------------

function builderSource(a: Analysis): string | null {
  const sources = emitFunctions(a, (root, body) => {
    /** The expressions of node `n`'s children, in visiting order. */
    const children = (n: number, off: string): string[] => {
      const parts: string[] = [];
      let at = 0;
      for (const c of childrenOf(a, n)) {
        parts.push(expr(c, `${off} + ${at}`, false));
        at += a.leaves[c] as number;
      }
      return parts;
    };
    const expr = (n: number, off: string, top: boolean): string => {
      const meta = a.nodes[n] as NodeMeta;
      const s = a.sig[n] as number;
      if (!top && a.own[s] === 1) return `B${s}(l, ${off})`;
      switch (meta.kind) {
        case LEAF:
          return `l[${off}]`;
        case NONE:
          return meta.value === null ? "null" : "void 0";
        case ARRAY:
          return `[${children(n, off).join(", ")}]`;
        case OBJECT: {
          const om = meta as ObjectMeta;
          const bySorted = children(n, off);
          // Fields in the original insertion order, as the general walk's builders write them.
          const fields = om.keys.map((_, i) => {
            const j = om.order === null ? i : (om.order[i] as number);
            return `${JSON.stringify(om.keys[j])}: ${bySorted[j]}`;
          });
          return `{ ${fields.join(", ")} }`;
        }
        default:
          throw new Error("paramtree: unexpected node in a program (internal)");
      }
    };
    body.push(`function B${a.sig[root]}(l, b) {`);
    const meta = a.nodes[root] as NodeMeta;
    if (a.loop[root] === 1 && meta.kind === ARRAY) {
      const c = root + 1;
      const per = a.leaves[c] as number;
      body.push(
        `const out = new Array(${meta.arity});`,
        `for (let i = 0; i < ${meta.arity}; i++) out[i] = ${expr(c, `b + i * ${per}`, false)};`,
        "return out;",
      );
    } else body.push(`return ${expr(root, "b", true)};`);
    body.push("}");
  });
  if (sources === null) return null;
  return `${sources.join("\n")}\nreturn B${a.sig[0]};`;
}

// -------------------------------------------------------------------------------------
// making and finding programs
// -------------------------------------------------------------------------------------

/** Most recently used first, per `noneIsLeaf`. */
const programs: [FlattenProgram[], FlattenProgram[]] = [[], []];
/** The structure the general walk gave last, and on how many calls in a row. */
let lastDef: TreeDef | null = null;
let lastNoneIsLeaf = false;
let streak = 0;
/** Leaf count of the last call that found no program (see `worthLearning`). */
let lastMissLeaves = -1;
/**
 * After a structure turned out to get no program (records, too big...), this many calls go by
 * without watching structures, doubling each time up to 4,096: a loop over such a tree would
 * otherwise pay for analysing it again and again (and `treeLeaves` for a second walk).
 */
let skip = 0;
let backoff = 16;

const analyses = new WeakMap<TreeDef, Analysis | null>();
const builders = new WeakMap<TreeDef, { uses: number; fn: Builder | null }>();

function analysisOf(def: TreeDef): Analysis | null {
  let a = analyses.get(def);
  if (a === undefined) analyses.set(def, (a = analyse(def)));
  return a;
}

function makeProgram(def: TreeDef, noneIsLeaf: boolean): FlattenProgram | null {
  const a = analysisOf(def);
  if (a === null) return null;
  const keyLists: string[][] = [];
  const source = readerSource(a, noneIsLeaf, keyLists);
  if (source === null) return null;
  const read = compile<Reader>(
    ["A", "GP", "OP", "K", "KEYS"],
    [Array.isArray, Object.getPrototypeOf, Object.prototype, keysAre, keyLists.map((k) => Object.freeze(k))],
    source,
  );
  if (read === null) return null;
  programStats.compiled++;
  return { def, noneIsLeaf, read, paths: null, hits: 0, misses: 0 };
}

function sameNodes(a: TreeDef, b: TreeDef): boolean {
  if (a === b) return true;
  if (a.numNodes !== b.numNodes || a.numLeaves !== b.numLeaves) return false;
  const x = a.nodes;
  const y = b.nodes;
  for (let n = 0; n < x.length; n++) {
    const p = x[n] as NodeMeta;
    const q = y[n] as NodeMeta;
    // Metas are shared between trees built alike, except those of arrays of 256 or more elements.
    if (p !== q && !(p.kind === ARRAY && q.kind === ARRAY && p.arity === q.arity)) return false;
  }
  return true;
}

/**
 * Tells the program cache the structure the general walk just gave under `options`; on the
 * `compileAfter`-th same structure in a row, compiles a program for it.
 */
export function observeStructure(def: TreeDef, options: ResolvedOptions): void {
  if (!programSettings.enabled || options.isLeaf !== undefined || codegenForbidden) return;
  if (skip > 0) {
    skip--;
    return;
  }
  if (lastDef !== null && lastNoneIsLeaf === options.noneIsLeaf && sameNodes(lastDef, def)) streak++;
  else if (hasRecords(def)) {
    // Records get no program (and their metas differ from call to call, so no streak either).
    refuse();
    return;
  } else {
    lastDef = def;
    lastNoneIsLeaf = options.noneIsLeaf;
    streak = 1;
  }
  if (streak < programSettings.compileAfter) return;
  streak = 0;
  lastDef = null;
  const program = makeProgram(def, options.noneIsLeaf);
  if (program === null) {
    refuse();
    return;
  }
  backoff = 16;
  const list = programs[options.noneIsLeaf ? 1 : 0];
  list.unshift(program);
  if (list.length > MAX_PROGRAMS) list.length = MAX_PROGRAMS;
}

function hasRecords(def: TreeDef): boolean {
  const nodes = def.nodes;
  for (let n = 0; n < nodes.length; n++) if ((nodes[n] as NodeMeta).kind > OBJECT) return true;
  return false;
}

function refuse(): void {
  programStats.refused++;
  skip = backoff;
  backoff = Math.min(backoff * 2, 4096);
}

/**
 * For callers whose general walk builds no structure (`treeLeaves`, `treeMap`, `treeMapN`): whether
 * to flatten this tree once more to show the cache its structure. Only when two misses in a row had
 * the same number of leaves, so that calls on ever-different trees do not pay for it.
 */
export function worthLearning(numLeaves: number, options: ResolvedOptions): boolean {
  if (!programSettings.enabled || options.isLeaf !== undefined || codegenForbidden) return false;
  if (skip > 0) {
    skip--;
    return false;
  }
  const again = numLeaves === lastMissLeaves;
  lastMissLeaves = numLeaves;
  return again;
}

/** The result of a program that accepted a tree: its structure and leaves. */
export interface ProgramMatch {
  readonly program: FlattenProgram;
  readonly leaves: unknown[];
}

/**
 * Runs the cached programs on `tree` until one accepts it; `null` when none does (or none may be
 * used under `options`), and the caller runs the general walk.
 */
export function matchProgram(tree: unknown, options: ResolvedOptions): ProgramMatch | null {
  if (options.isLeaf !== undefined || !programSettings.enabled) return null;
  const list = programs[options.noneIsLeaf ? 1 : 0];
  for (let i = 0; i < list.length; i++) {
    const program = list[i] as FlattenProgram;
    const leaves = new Array<unknown>(program.def.numLeaves);
    if (program.read(tree, leaves, 0)) {
      program.hits++;
      program.misses = 0;
      programStats.hits++;
      if (i !== 0) {
        list.splice(i, 1);
        list.unshift(program);
      }
      return { program, leaves };
    }
    program.misses++;
    programStats.misses++;
    // A program that failed on the last 8 calls that tried it is dropped: the structure it knew
    // is gone, or has become rare (its past hits do not count).
    if (program.misses >= MAX_MISSES_IN_A_ROW) {
      list.splice(i, 1);
      i--;
    }
  }
  return null;
}

/** Whether `tree` has exactly `program`'s structure (its leaves are written to `out`). */
export function readWith(program: FlattenProgram, tree: unknown, out: unknown[]): boolean {
  return program.read(tree, out, 0);
}

/** The leaf paths of a program's structure, computed once. */
export function programPaths(program: FlattenProgram): readonly KeyPath[] {
  return (program.paths ??= program.def.paths());
}

/**
 * A compiled builder for `def`, once it has been asked for `compileAfter` times (right away when
 * `eager`, for structures a program already accepted); `null` otherwise or when `def` gets none.
 */
export function builderFor(def: TreeDef, eager: boolean): Builder | null {
  if (!programSettings.enabled) return null;
  let entry = builders.get(def);
  if (entry === undefined) builders.set(def, (entry = { uses: 0, fn: null }));
  if (entry.fn !== null) return entry.fn;
  if (entry.uses < 0) return null;
  if (!eager && ++entry.uses < programSettings.compileAfter) return null;
  const a = analysisOf(def);
  const source = a === null ? null : builderSource(a);
  const fn = source === null ? null : compile<Builder>([], [], source);
  if (fn === null) entry.uses = -1;
  entry.fn = fn;
  return fn;
}

/** @internal Forgets every program (tests start from a known state). */
export function resetPrograms(): void {
  programs[0].length = 0;
  programs[1].length = 0;
  lastDef = null;
  streak = 0;
  lastMissLeaves = -1;
  skip = 0;
  backoff = 16;
  programStats.compiled = 0;
  programStats.functions = 0;
  programStats.refused = 0;
  programStats.hits = 0;
  programStats.misses = 0;
  programStats.unflattenHits = 0;
  codegenForbidden = false;
}
