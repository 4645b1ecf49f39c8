/**
 * The type-level side of wrappers: `Unwrappable<Tag, Out>` (a wrapper that unwraps to `Out` where
 * a registry knows its tag), `KnownUnwrappable<Tag, Out>` (one every `unwrap` knows: the built-ins
 * and `defineWrapper`'s records), `Unwrapped<T>` (what `unwrap(tree)` returns for a tree of type
 * `T`) and `UnwrappedWith<T>` (what `unwrap(tree, { registry })` returns).
 *
 * Honesty: without a registry, `unwrap` leaves a record whose tag only a registry would know as
 * a record (its fields unwrapped), so `Unwrapped` does too; only `UnwrappedWith`, the type of a
 * call that passes a registry, trusts every `Unwrappable` (the registry is a value the types
 * cannot see into).
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

/** Phantom key of the wrappers every `unwrap` knows without a registry. Never present at runtime. */
declare const knownEverywhere: unique symbol;

/** Phantom key of {@link UnwrapsInner}. */
declare const innerTree: unique symbol;

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
 * A wrapper that every `unwrap` knows, registry or not: the built-in wrappers and the records of
 * a {@link defineWrapper} constructor. {@link Unwrapped} replaces it by `Out`; a record that is
 * only an {@link Unwrappable} stays a record there (it needs a registry: {@link UnwrappedWith}).
 *
 * @example
 * type Out = Unwrapped<{ a: KnownUnwrappable<"A", number>; b: Unwrappable<"B", number> }>;
 * // { a: number; b: { readonly _tag: "B"; ... } }
 */
export interface KnownUnwrappable<Tag extends string = string, Out = unknown> extends Unwrappable<Tag, Out> {
  /** Type-level only. Never present at runtime. */
  readonly [knownEverywhere]?: true;
}

/**
 * @internal The output type of a wrapper that unwraps to its child tree unwrapped (`NonTrainable`):
 * resolved by {@link Unwrapped} or {@link UnwrappedWith}, whichever unwraps the enclosing tree.
 */
export interface UnwrapsInner<T> {
  readonly [innerTree]: T;
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
 * What `unwrap(tree)` (no registry) returns for a tree of type `T`, computed at compile time:
 * every wrapper that `unwrap` knows without a registry ({@link KnownUnwrappable}: the built-ins,
 * `defineWrapper`'s records) becomes its output type (`Parameterize<R>` → `R`, `NonTrainable<T>`
 * → `Unwrapped<T>`, `WeightNormalization` → `Tensor`); a record whose tag only a registry could
 * know is mapped field by field, as `unwrap` treats it; arrays, tuples and objects are mapped
 * field by field (keeping `readonly` and optional markers), and every other leaf stays as it is.
 * Unions are mapped member by member.
 *
 * @example
 * type Model = { w: WeightNormalization; b: Parameterize<tf.Tensor>; name: string };
 * type Out = Unwrapped<Model>; // { w: tf.Tensor; b: tf.Tensor; name: string }
 */
export type Unwrapped<T> = UnwrapAs<T, false>;

/**
 * What `unwrap(tree, { registry })` returns: as {@link Unwrapped}, and every {@link Unwrappable}
 * (a custom tag declared with `Unwrappable<Tag, Out>`) becomes `Out`, trusting that the registry
 * passed knows its tag.
 *
 * @example
 * interface Clip extends Unwrappable<"Clip", tf.Tensor> { readonly value: tf.Tensor }
 * type Out = UnwrappedWith<{ c: Clip }>; // { c: tf.Tensor }
 */
export type UnwrappedWith<T> = UnwrapAs<T, true>;

/** `Unwrapped` (`Registered` false) or `UnwrappedWith` (true). */
type UnwrapAs<T, Registered extends boolean> =
  IsAny<T> extends true
    ? // eslint-disable-next-line @typescript-eslint/no-explicit-any -- functions of every signature are leaves; an untyped tree stays untyped
      any
    : unknown extends T
      ? unknown
      : T extends UnwrapLeaf
        ? T
        : T extends Unwrappable<string, infer Out>
          ? UnwrapsToKey extends keyof T
            ? Registered extends true
              ? OutputOf<Out, Registered>
              : typeof knownEverywhere extends keyof T
                ? OutputOf<Out, Registered>
                : { [K in keyof T]: UnwrapAs<T[K], Registered> }
            : { [K in keyof T]: UnwrapAs<T[K], Registered> }
          : { [K in keyof T]: UnwrapAs<T[K], Registered> };

/** A wrapper's declared output, with {@link UnwrapsInner} resolved by the same rule. */
type OutputOf<Out, Registered extends boolean> = [Out] extends [never]
  ? never
  : [Out] extends [UnwrapsInner<infer Inner>]
    ? UnwrapAs<Inner, Registered>
    : Out;
