/**
 * The types that follow a tree: what `treeMap(f, tree)` returns for a tree of type `T` when `f`
 * returns `R`.
 *
 * Which values are leaves is decided at run time (options, registry), so the types follow the
 * defaults: arrays, tuples and object types are containers, mapped member by member (keeping
 * `readonly` and optional markers); `null` and `undefined` stay as they are; primitives,
 * functions and the classes listed in {@link TreeLeafTypes} are leaves. A tagged record keeps its
 * `_tag`; its child fields are mapped and its static fields kept when its type names its children
 * ({@link RecordChildren}, as the built-in wrappers do), else every other field is mapped.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Classes whose instances are leaves for the tree types (the engine treats every class instance
 * as a leaf; TypeScript cannot tell a class instance from a plain object type, so they are listed
 * here). Add your own by declaration merging; paramtree adds tfjs's `Tensor`. Property names do
 * not matter, only the types.
 *
 * @example
 * class Rng { next() { return 0; } }
 * declare module "paramtree" {
 *   interface TreeLeafTypes { rng: Rng }
 * }
 */
export interface TreeLeafTypes {
  date: Date;
  regexp: RegExp;
  map: ReadonlyMap<unknown, unknown>;
  set: ReadonlySet<unknown>;
  buffer: ArrayBuffer;
  view: ArrayBufferView;
  promise: Promise<unknown>;
}

/** Types that are always leaves. */
export type TreeLeaf =
  | string
  | number
  | boolean
  | bigint
  | symbol
  | ((...args: never[]) => unknown)
  | TreeLeafTypes[keyof TreeLeafTypes];

/** Phantom key of {@link RecordChildren}. Never present at runtime. */
declare const childFields: unique symbol;

/**
 * Names a record type's child fields for the tree types: {@link TreeMapped} maps those and keeps
 * the others (static fields, such as `Parameterize`'s `fn`) as they are, as the engine does.
 * Type-level only: no record has this property. The built-in wrappers and `defineWrapper`'s
 * records carry it; a record type without it has every field mapped.
 *
 * @example
 * interface Scaled extends RecordChildren<"value"> {
 *   readonly _tag: "Scaled";
 *   readonly value: number;
 *   readonly by: number;
 * }
 * type Out = TreeMapped<Scaled, string>; // value: string, by: number
 */
export interface RecordChildren<C extends string> {
  /** Type-level only: the child fields. Never present at runtime. */
  readonly [childFields]?: C;
}

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * `T` with every leaf replaced by `R` (see the module notes). An `any` tree maps to `any`, an
 * `unknown` one to `unknown`.
 *
 * @example
 * type Out = TreeMapped<{ w: number[]; name: string; skip: null }, boolean>;
 * // { w: boolean[]; name: boolean; skip: null }
 */
export type TreeMapped<T, R> =
  IsAny<T> extends true
    ? any // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped tree stays untyped
    : unknown extends T
      ? unknown
      : T extends null | undefined
        ? T
        : T extends TreeLeaf
          ? R
          : T extends { readonly _tag: string }
            ? T extends RecordChildren<infer C>
              ? { [K in keyof T]: K extends "_tag" ? T[K] : K extends C ? TreeMapped<T[K], R> : T[K] }
              : { [K in keyof T]: K extends "_tag" ? T[K] : TreeMapped<T[K], R> }
            : { [K in keyof T]: TreeMapped<T[K], R> };
