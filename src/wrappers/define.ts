/**
 * `defineWrapper(spec)`: a wrapper that carries its own behaviour. It returns a constructor whose
 * records are frozen `_tag` records like the built-ins', and that `unwrap`, every tree function and
 * the codec's encoder treat as wrappers without a registry entry (the engine knows them by
 * identity: see `core/ownSpecs.ts`). The registry stays the value that decodes documents
 * (`registerWrapper(registry, Ctor.spec)`) and overrides behaviour: an entry for the same tag wins.
 *
 * @example
 * const Scaled = defineWrapper({
 *   tag: "Scaled",
 *   children: ["value"],
 *   unwrap: ({ value, by }: { value: tf.Tensor; by: number }) => tf.mul(value, by),
 * });
 * const model = { w: Scaled({ value: Parameterize(tf.exp, tf.zeros([2])), by: 3 }) };
 * unwrap(model).w.dataSync(); // Float32Array [3, 3]
 *
 * @module
 */
import type { TreeOptions } from "../core/options";
import { markCarriedSpec, markRecord, ownSpecOf } from "../core/ownSpecs";
import { emptyRegistry } from "../core/registry";
import { describeValue } from "../tensor/values";
import { defaultRegistry } from "./defaultRegistry";
import { registerWrapper, type WrapperSpec } from "./spec";
import type { KnownUnwrappable, Unwrapped } from "./types";
import type { RecordChildren } from "../core/types";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What {@link defineWrapper} takes: the tag, the child fields, and the unwrap, which receives the
 * record with its children already unwrapped (`Fields`, the type of its parameter) and returns
 * `Out`. Every other field of a record is static data.
 *
 * @example
 * const spec: DefineWrapperSpec<"Neg", { x: number }, number> = {
 *   tag: "Neg",
 *   children: ["x"],
 *   unwrap: ({ x }) => -x,
 * };
 */
export interface DefineWrapperSpec<
  Tag extends string,
  Fields extends object,
  Out,
  C extends keyof Fields & string = keyof Fields & string,
> {
  readonly tag: Tag;
  readonly children: readonly C[];
  readonly unwrap: (node: Fields, options: TreeOptions) => Out;
}

/**
 * A record made by a {@link defineWrapper} constructor: its fields (`F`, as given, children
 * possibly wrapped), its `_tag`, and the output type `Out` that {@link Unwrapped} replaces it by.
 *
 * @example
 * type R = DefinedWrapper<"Neg", { x: number }, number>;
 * type Out = Unwrapped<{ r: R }>; // { r: number }
 */
export type DefinedWrapper<Tag extends string, F, Out, C extends string = keyof F & string> = Readonly<F> &
  KnownUnwrappable<Tag, Out> &
  RecordChildren<C>;

/**
 * The fields a constructor accepts for a record whose unwrap takes `Fields`: each child may be any
 * tree that unwraps (without a registry) to the child's type; static fields as declared.
 */
type FieldsOf<F, Fields, Children extends string> = {
  readonly [K in keyof Fields]: K extends Children
    ? K extends keyof F
      ? [Unwrapped<F[K]>] extends [Fields[K]]
        ? F[K]
        : Fields[K]
      : Fields[K]
    : Fields[K];
};

/**
 * What {@link defineWrapper} returns: a constructor of frozen records (each child may be given
 * wrapped), with the wrapper's `tag`, its `spec` (for `registerWrapper`, which a decoder needs)
 * and `is`, the refinement of its records.
 *
 * @example
 * const Neg = defineWrapper({ tag: "Neg", children: ["x"], unwrap: ({ x }: { x: number }) => -x });
 * const ctor: WrapperConstructor<"Neg", { x: number }, number> = Neg;
 * ctor.tag; // "Neg"
 */
export interface WrapperConstructor<
  Tag extends string,
  Fields extends object,
  Out,
  C extends keyof Fields & string = keyof Fields & string,
> {
  <const F extends { readonly [K in keyof Fields]: unknown }>(
    fields: F & FieldsOf<F, Fields, C>,
  ): DefinedWrapper<Tag, F, Out, C>;
  readonly tag: Tag;
  readonly spec: WrapperSpec<Fields, Out>;
  /** Whether `x` is a record this constructor made (or the engine or a decoder rebuilt from one). */
  is(x: unknown): x is DefinedWrapper<Tag, Fields, Out, C>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Defines a wrapper that carries its own behaviour: returns a constructor of frozen
 * `{ _tag: spec.tag, ...fields }` records that plain `unwrap`, every tree function (`treeMap`,
 * `treeLeaves`, `partition`, `treeAt`, ...) and the codec's encoder treat as wrappers without a
 * registry. To decode documents that hold them, pass `registerWrapper(registry, Ctor.spec)` to the
 * codec; a registry entry of another spec for the same tag overrides this one where it is used.
 *
 * Throws when the spec is malformed, or its tag is a built-in wrapper's; the constructor throws
 * when `fields` is not a plain object, has a `_tag`, or lacks a child field.
 *
 * @example
 * const Clip = defineWrapper({
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
 * });
 * const c = Clip({ value: tf.tensor1d([-2, 0.5, 3]), lo: 0, hi: 1 });
 * Object.isFrozen(c); // true
 * Clip.is(c); // true
 * treeLeaves(c).length; // 1: lo and hi are static
 * unwrap({ c }).c.dataSync(); // Float32Array [0, 0.5, 1]
 */
export function defineWrapper<
  Tag extends string,
  Fields extends object,
  Out,
  C extends keyof Fields & string = keyof Fields & string,
>(spec: DefineWrapperSpec<Tag, Fields, Out, C>): WrapperConstructor<Tag, Fields, Out, C> {
  const tag = (spec as { tag?: unknown } | undefined)?.tag;
  try {
    registerWrapper(emptyRegistry, spec as WrapperSpec<Fields, Out>);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new TypeError(`defineWrapper: ${message.replace(/^register\w+: /, "")}`, { cause: e });
  }
  if (defaultRegistry.specs.has(spec.tag)) {
    throw new Error(`defineWrapper: "${spec.tag}" is the tag of a built-in wrapper`);
  }
  const own: WrapperSpec<Fields, Out> = Object.freeze({
    ...spec,
    children: Object.freeze([...spec.children]),
  });
  markCarriedSpec(own);
  const children = own.children;
  const make = (fields: unknown): object => {
    if (
      fields === null ||
      typeof fields !== "object" ||
      Array.isArray(fields) ||
      (Object.getPrototypeOf(fields) !== Object.prototype && Object.getPrototypeOf(fields) !== null)
    ) {
      throw new TypeError(`${String(tag)}: fields must be a plain object, got ${describeValue(fields)}`);
    }
    if (Object.prototype.hasOwnProperty.call(fields, "_tag")) {
      throw new TypeError(`${String(tag)}: fields must not have a "_tag" (the constructor sets it)`);
    }
    for (const child of children) {
      if (!Object.prototype.hasOwnProperty.call(fields, child)) {
        throw new TypeError(
          `${String(tag)}: the child field "${child}" is missing (its children are ${children.join(", ")})`,
        );
      }
    }
    const record = Object.freeze({ _tag: own.tag, ...fields });
    markRecord(record, own);
    return record;
  };
  Object.defineProperty(make, "name", { value: own.tag });
  const is = (x: unknown): boolean => typeof x === "object" && x !== null && ownSpecOf(x) === own;
  return Object.freeze(Object.assign(make, { tag: own.tag, spec: own, is })) as unknown as WrapperConstructor<
    Tag,
    Fields,
    Out,
    C
  >;
}
