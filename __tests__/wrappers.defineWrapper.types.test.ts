/**
 * Type-level tests of `defineWrapper` and of the honest `Unwrapped<T>`: ts-jest type-checks this
 * file, so each `Expect<Equal<...>>` is a compile-time assertion and each `// @ts-expect-error`
 * line proves that a wrong type is rejected. The runtime checks show the values agree.
 *
 * The rule: built-in wrappers and `defineWrapper` records unwrap in `Unwrapped<T>` (what
 * `unwrap(tree)` returns); a record whose tag only a registry knows stays a record there, and only
 * `UnwrappedWith<T>` (what `unwrap(tree, { registry })` returns) unwraps it.
 */
import * as E from "fp-ts/Either";
import * as tf from "@tensorflow/tfjs-core";
import {
  type NonTrainable,
  Parameterize,
  defaultRegistry,
  defineWrapper,
  registerWrapper,
  unwrap,
  unwrapEither,
  unwrapping,
  withOptions,
  type DefinedWrapper,
  type KnownUnwrappable,
  type Unwrappable,
  type Unwrapped,
  type UnwrappedWith,
} from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

const Clip = defineWrapper({
  tag: "TyClip",
  children: ["value"],
  unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
});
const Label = defineWrapper({
  tag: "TyLabel",
  children: ["n"],
  unwrap: ({ n, prefix }: { n: number; prefix: string }) => `${prefix}${n}`,
});

/** A record declared for a registry (the pre-defineWrapper way): plain unwrap does not know it. */
interface RegClip extends Unwrappable<"RegClip", tf.Tensor> {
  readonly value: tf.Tensor;
  readonly hi: number;
}

// -------------------------------------------------------------------------------------
// Unwrapped: which tags unwrap
// -------------------------------------------------------------------------------------

type ClipRecord = ReturnType<typeof Clip<{ value: tf.Tensor; lo: number; hi: number }>>;

export type Known = [
  Expect<Equal<Unwrapped<ClipRecord>, tf.Tensor>>,
  Expect<Equal<Unwrapped<{ a: [ClipRecord, Parameterize<number>] }>, { a: [tf.Tensor, number] }>>,
  Expect<Equal<Unwrapped<NonTrainable<ClipRecord>>, tf.Tensor>>,
  Expect<Equal<Unwrapped<DefinedWrapper<"X", { v: number }, string>>, string>>,
  Expect<Equal<Unwrapped<KnownUnwrappable<"X", boolean>>, boolean>>,
  Expect<Equal<UnwrappedWith<ClipRecord>, tf.Tensor>>,
];

export type Unknown = [
  // Not a tensor: the record stays a record (fields unwrapped) without a registry ...
  Expect<Equal<Unwrapped<RegClip> extends tf.Tensor ? true : false, false>>,
  Expect<Equal<Unwrapped<RegClip>["_tag"], "RegClip">>,
  Expect<Equal<Unwrapped<RegClip>["hi"], number>>,
  Expect<Equal<Unwrapped<{ r: RegClip }>["r"]["value"], tf.Tensor>>,
  Expect<Equal<Unwrapped<NonTrainable<RegClip>>["_tag"], "RegClip">>,
  // ... and a generic Unwrappable of an unknown tag too.
  Expect<Equal<Unwrapped<Unwrappable<string, tf.Tensor>> extends tf.Tensor ? true : false, false>>,
  // With a registry, it unwraps.
  Expect<Equal<UnwrappedWith<RegClip>, tf.Tensor>>,
  Expect<Equal<UnwrappedWith<NonTrainable<{ r: RegClip }>>, { r: tf.Tensor }>>,
];

// -------------------------------------------------------------------------------------
// calls
// -------------------------------------------------------------------------------------

describe("types of calls", () => {
  test("plain unwrap of a defineWrapper record is its output type; of a registry-only record, a record", () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    const c = Clip({ value: x, lo: 0, hi: 1 });
    type _c = Expect<
      Equal<
        typeof c,
        DefinedWrapper<
          "TyClip",
          { readonly value: tf.Tensor1D; readonly lo: 0; readonly hi: 1 },
          tf.Tensor,
          "value"
        >
      >
    >;
    const out = unwrap({ c, l: Label({ n: Parameterize((v: number) => v * 2, 21), prefix: "#" }) });
    type _out = Expect<Equal<typeof out, { c: tf.Tensor; l: string }>>;
    expect(Array.from(out.c.dataSync())).toEqual([0, 0.5, 1]);
    expect(out.l).toBe("#42");

    const reg: RegClip = { _tag: "RegClip", value: x, hi: 1 };
    const plain = unwrap({ reg });
    // @ts-expect-error: without a registry, a RegClip is not unwrapped, so it is not a tensor
    const wrong: tf.Tensor = plain.reg;
    expect(wrong).toBe(reg); // and indeed, at run time it came back as the record
    const registry = registerWrapper(defaultRegistry, {
      tag: "RegClip",
      children: ["value"],
      unwrap: (n: RegClip) => tf.minimum(n.value, n.hi),
    });
    const withRegistry = unwrap({ reg }, { registry });
    type _w = Expect<Equal<typeof withRegistry, { reg: tf.Tensor }>>;
    expect(Array.from(withRegistry.reg.dataSync())).toEqual([-1, 0.5, 1]);
    tf.dispose([x, out.c, withRegistry.reg]);
  });

  test("the constructor checks children (wrapped or not) and static fields", () => {
    const x = tf.scalar(1);
    // A child may be any tree that unwraps, without a registry, to the child's type.
    const ok = Clip({ value: Parameterize(tf.exp, x), lo: 0, hi: 1 });
    const ok2 = Clip({ value: Clip({ value: x, lo: 0, hi: 2 }), lo: 0, hi: 1 });
    // @ts-expect-error: a child that unwraps to a string, not a tensor
    Clip({ value: Parameterize((v: number) => String(v), 1), lo: 0, hi: 1 });
    // @ts-expect-error: a registry-only wrapper as a child: plain unwrap would leave it a record
    Clip({ value: { _tag: "RegClip", value: x, hi: 1 } as RegClip, lo: 0, hi: 1 });
    // @ts-expect-error: a static field of the wrong type
    Clip({ value: x, lo: "0", hi: 1 });
    // @ts-expect-error: a missing static field
    Clip({ value: x, lo: 0 });
    expect(Clip.is(ok) && Clip.is(ok2)).toBe(true);
    x.dispose();
  });

  test("defineWrapper checks that the children are fields of what unwrap takes", () => {
    expect(() =>
      defineWrapper({
        tag: "TyBad",
        // @ts-expect-error: "nope" is not a field of { v: number }
        children: ["nope"],
        unwrap: ({ v }: { v: number }) => v,
      }),
    ).not.toThrow();
  });

  test("unwrapping is honest too: a registry-only record needs the registry", () => {
    const x = tf.tensor1d([3]);
    const reg: RegClip = { _tag: "RegClip", value: x, hi: 1 };
    const registry = registerWrapper(defaultRegistry, {
      tag: "RegClip",
      children: ["value"],
      unwrap: (n: RegClip) => tf.minimum(n.value, n.hi),
    });
    const f = (p: { r: tf.Tensor }) => tf.sum(p.r).dataSync()[0] as number;
    // and at run time f would get the record
    // @ts-expect-error: without a registry, { r: RegClip } does not unwrap to { r: Tensor }
    expect(() => unwrapping(f)({ r: reg })).toThrow();
    expect(unwrapping(f, { registry })({ r: reg })).toBe(1);
    expect(unwrapping(f)({ r: Clip({ value: x, lo: 0, hi: 2 }) })).toBe(2);
    x.dispose();
  });

  test("withOptions and unwrapEither: a bound or given registry makes the call UnwrappedWith", () => {
    const x = tf.tensor1d([3]);
    const reg: RegClip = { _tag: "RegClip", value: x, hi: 1 };
    const registry = registerWrapper(defaultRegistry, {
      tag: "RegClip",
      children: ["value"],
      unwrap: (n: RegClip) => tf.minimum(n.value, n.hi),
    });
    const bound = withOptions({ registry }).unwrap({ reg });
    type _b = Expect<Equal<typeof bound, { reg: tf.Tensor }>>;
    const plain = withOptions({ noneIsLeaf: true }).unwrap({ reg });
    type _p = Expect<Equal<(typeof plain)["reg"]["_tag"], "RegClip">>;
    expect(plain.reg).toBe(reg);
    const either = unwrapEither({ reg }, { registry });
    if (E.isLeft(either)) throw either.left;
    type _e = Expect<Equal<typeof either.right, { reg: tf.Tensor }>>;
    expect(Array.from(either.right.reg.dataSync())).toEqual([1]);
    expect(Array.from(bound.reg.dataSync())).toEqual([1]);
    tf.dispose([x, bound.reg, either.right.reg]);
  });
});
