/**
 * The type-level side of wrappers: `Unwrappable<Tag, Out>` (a wrapper that unwraps to `Out`) and
 * `Unwrapped<T>` (what `unwrap` returns for a tree of type `T`).
 *
 * @module
 */
import type { TreeLeaf, TreeLeafTypes } from "../core/types";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Phantom key carrying a wrapper's output type. It exists only in types: no record ever has
 * this property at runtime, which is why it is optional.
 */
declare const unwrapsTo: unique symbol;

/** @internal The type of the phantom key, for code that needs to name it. */
export type UnwrapsToKey = typeof unwrapsTo;

/**
 * A wrapper: a record discriminated by `_tag` that `unwrap` replaces by a value of type `Out`
 * (the TypeScript counterpart of paramax's `AbstractUnwrappable[T]`).
 *
 * A custom wrapper type extends it so that `Unwrapped` knows what it becomes:
 *
 * @example
 * interface Clip extends Unwrappable<"Clip", tf.Tensor> {
 *   readonly value: tf.Tensor | Unwrappable<string, tf.Tensor>;
 *   readonly lo: number;
 *   readonly hi: number;
 * }
 * type Out = Unwrapped<{ c: Clip }>; // { c: tf.Tensor }
 */
export interface Unwrappable<Tag extends string = string, Out = unknown> {
  readonly _tag: Tag;
  /** Type-level only: the output type. Never present at runtime. */
  readonly [unwrapsTo]?: Out;
}

/**
 * Extra leaf types for {@link Unwrapped}: `Unwrapped` keeps these as they are instead of mapping
 * over their properties. It extends the tree types' {@link TreeLeafTypes} (dates, maps, buffers,
 * tensors, ...), so a class added to either is a leaf here; add your own by declaration merging
 * (the property names do not matter, only the types).
 *
 * @example
 * class Rng { next() { return 0; } }
 * declare module "paramtree" {
 *   interface UnwrapLeafTypes { rng: Rng }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge point for users
export interface UnwrapLeafTypes extends TreeLeafTypes {}

/** @internal Types `Unwrapped` leaves alone. */
export type UnwrapLeaf = TreeLeaf | null | undefined | UnwrapLeafTypes[keyof UnwrapLeafTypes];

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * What `unwrap` returns for a tree of type `T`, computed at compile time: every wrapper becomes
 * its output type (`Parameterize<R>` → `R`, `NonTrainable<T>` → `Unwrapped<T>`,
 * `WeightNormalization` → `Tensor`, any `Unwrappable<Tag, Out>` → `Out`), arrays, tuples and
 * objects are mapped field by field (keeping `readonly` and optional markers), and every other
 * leaf stays as it is. Unions are mapped member by member.
 *
 * @example
 * type Model = { w: WeightNormalization; b: Parameterize<tf.Tensor>; name: string };
 * type Out = Unwrapped<Model>; // { w: tf.Tensor; b: tf.Tensor; name: string }
 */
export type Unwrapped<T> =
  IsAny<T> extends true
    ? // eslint-disable-next-line @typescript-eslint/no-explicit-any -- functions of every signature are leaves; an untyped tree stays untyped
      any
    : unknown extends T
      ? unknown
      : T extends UnwrapLeaf
        ? T
        : T extends Unwrappable<string, infer Out>
          ? UnwrapsToKey extends keyof T
            ? Out
            : { [K in keyof T]: Unwrapped<T[K]> }
          : { [K in keyof T]: Unwrapped<T[K]> };
