/**
 * `defineWrapper`: wrappers that carry their own behaviour. Their records are wrappers for plain
 * `unwrap`, every tree function and the codec's encoder without a registry; a registry decodes
 * them (given the spec) and overrides them (an entry for the same tag wins). Type-level tests are
 * in wrappers.defineWrapper.types.test.ts.
 */
import * as E from "fp-ts/Either";
import * as tf from "@tensorflow/tfjs-core";
import {
  NonTrainable,
  Parameterize,
  UnwrapError,
  combine,
  containsUnwrappables,
  defaultRegistry,
  defineWrapper,
  isUnwrappable,
  nonTrainable,
  parseTree,
  partition,
  registerWrapper,
  stringifyTree,
  treeAt,
  treeFlatten,
  treeFormat,
  treeLeaves,
  treeMap,
  treeStructure,
  treeUnflatten,
  unwrap,
  valueAndGrad,
  isFloatTensor,
} from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

const Clip = defineWrapper({
  tag: "DwClip",
  children: ["value"],
  unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
});

const Pair = defineWrapper({
  tag: "DwPair",
  children: ["a", "b"],
  unwrap: ({ a, b }: { a: tf.Tensor; b: tf.Tensor }) => tf.add(a, b),
});

describe("constructor and records", () => {
  test("records are frozen _tag records; tag, spec, is and name", () => {
    const x = tf.tensor1d([1, 2]);
    const c = Clip({ value: x, lo: 0, hi: 1 });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c).toEqual({ _tag: "DwClip", value: x, lo: 0, hi: 1 });
    expect(Object.keys(c)).toEqual(["_tag", "value", "lo", "hi"]);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(Clip.tag).toBe("DwClip");
    expect(Clip.name).toBe("DwClip");
    expect(Clip.spec.children).toEqual(["value"]);
    expect(Object.isFrozen(Clip.spec)).toBe(true);
    expect(Object.isFrozen(Clip)).toBe(true);
    expect(Clip.is(c)).toBe(true);
    expect(Pair.is(c)).toBe(false);
    // A hand-written object with the same tag is ordinary data.
    const forged = { _tag: "DwClip", value: x, lo: 0, hi: 1 };
    expect(Clip.is(forged)).toBe(false);
    expect(isUnwrappable(forged)).toBe(false);
    expect(treeLeaves(forged)).toEqual(["DwClip", 1, 0, x]);
    expect(unwrap(forged)).toBe(forged);
    x.dispose();
  });

  test("the fields object is copied, never kept or mutated", () => {
    const fields = { value: 1 as unknown as tf.Tensor, lo: 0, hi: 1 };
    const c = Clip(fields);
    expect(c).not.toBe(fields);
    expect(Object.isFrozen(fields)).toBe(false);
    expect(Object.keys(fields)).toEqual(["value", "lo", "hi"]);
  });

  test("error texts: malformed specs, built-in tags, bad fields", () => {
    const unwrapOf = (n: { v: number }) => n.v;
    expect(() => defineWrapper({ tag: "", children: ["v"], unwrap: unwrapOf })).toThrow(
      "defineWrapper: tag must be a non-empty string, got ",
    );
    expect(() => defineWrapper({ tag: "X", children: "v" as unknown as ["v"], unwrap: unwrapOf })).toThrow(
      'defineWrapper: "X".children must be an array of field names',
    );
    expect(() => defineWrapper({ tag: "X", children: ["v", "v"], unwrap: unwrapOf })).toThrow(
      'defineWrapper: "X".children must be distinct field names other than "_tag", got [v, v]',
    );
    expect(() =>
      defineWrapper({ tag: "X", children: ["v"], unwrap: 3 as unknown as typeof unwrapOf }),
    ).toThrow('defineWrapper: "X".unwrap must be a function');
    expect(() => defineWrapper({ tag: "Parameterize", children: ["v"], unwrap: unwrapOf })).toThrow(
      'defineWrapper: "Parameterize" is the tag of a built-in wrapper',
    );
    const X = defineWrapper({ tag: "DwX", children: ["v"], unwrap: unwrapOf });
    expect(() => X(null as unknown as { v: number })).toThrow("DwX: fields must be a plain object, got null");
    expect(() => X([1] as unknown as { v: number })).toThrow("DwX: fields must be a plain object, got ");
    expect(() => X({ v: 1, _tag: "Y" } as unknown as { v: number })).toThrow(
      'DwX: fields must not have a "_tag" (the constructor sets it)',
    );
    expect(() => X({} as unknown as { v: number })).toThrow(
      'DwX: the child field "v" is missing (its children are v)',
    );
  });
});

describe("plain unwrap and the tree functions know them without a registry", () => {
  test("unwrap: alone, nested in built-ins, around built-ins, and around each other", () => {
    const x = tf.tensor1d([-1, 0, 1, 2]);
    const a = unwrap(Clip({ value: Parameterize(tf.exp, x), lo: 0.5, hi: 3 }));
    expect(values(a)).toEqual([0.5, 1, Math.fround(Math.E), 3]);
    const b = unwrap({ p: Parameterize(tf.exp, Clip({ value: x, lo: 0, hi: 1 })) });
    expect(values(b.p).map((v) => v.toFixed(5))).toEqual([1, 1, Math.E, Math.E].map((v) => v.toFixed(5)));
    const c = unwrap([Pair({ a: Clip({ value: x, lo: 0, hi: 1 }), b: NonTrainable(x) })]);
    expect(values(c[0] as tf.Tensor)).toEqual([-1, 0, 2, 3]);
    expect(isUnwrappable(Clip({ value: x, lo: 0, hi: 1 }))).toBe(true);
    expect(containsUnwrappables({ deep: [[Clip({ value: x, lo: 0, hi: 1 })]] })).toBe(true);
    tf.dispose([x, a, b.p, c[0]]);
  });

  test("unwrap creates only the tensors of its result", () => {
    const x = tf.tensor1d([0.2, 2]);
    const model = { c: Clip({ value: Parameterize(tf.mul, x, 3), lo: 0, hi: 1 }), x };
    const before = tf.memory().numTensors;
    const out = unwrap(model);
    expect(tf.memory().numTensors - before).toBe(1);
    expect(values(out.c).map((v) => v.toFixed(5))).toEqual(["0.60000", "1.00000"]);
    tf.dispose([x, out.c]);
  });

  test("treeLeaves and treeStructure: children are walked, static fields are structure", () => {
    const x = tf.scalar(1);
    const c = Clip({ value: x, lo: 0, hi: 1 });
    expect(treeLeaves({ c })).toEqual([x]);
    expect(treeStructure({ c }).toString()).toBe("TreeDef({ c: DwClip(value=*, hi=1, lo=0) })");
    expect(treeStructure(Clip({ value: x, lo: 0, hi: 2 })).equals(treeStructure(c))).toBe(false);
    expect(treeFormat(c)).toContain("DwClip");
    x.dispose();
  });

  test("treeMap, treeUnflatten, treeAt, partition/combine and nonTrainable keep them wrappers", () => {
    const x = tf.tensor1d([-1, 0.5, 3]);
    const model = { c: Clip({ value: x, lo: 0, hi: 1 }) };
    const doubled = treeMap((v: tf.Tensor) => tf.mul(v, 2), model);
    expect(Clip.is(doubled.c)).toBe(true);
    expect(Object.isFrozen(doubled.c)).toBe(true);
    const u1 = unwrap(doubled);
    expect(values(u1.c)).toEqual([0, 1, 1]);

    const [leaves, def] = treeFlatten(model);
    const rebuilt = treeUnflatten(def, leaves) as typeof model;
    expect(Clip.is(rebuilt.c)).toBe(true);

    const y = tf.tensor1d([0.25, 0.75, 2]);
    const moved = treeAt((m) => m.c.value, model, y);
    expect(Clip.is(moved.c)).toBe(true);
    expect(moved.c.lo).toBe(0);
    const u2 = unwrap(moved);
    expect(values(u2.c)).toEqual([0.25, 0.75, 1]);

    const [floats, rest] = partition(model, isFloatTensor);
    expect(Clip.is(floats.c)).toBe(true);
    const back = combine(floats, rest);
    expect(Clip.is(back.c)).toBe(true);
    const u3 = unwrap(back);
    expect(values(u3.c)).toEqual([0, 0.5, 1]);

    const frozen = nonTrainable(model);
    expect(Clip.is(frozen.c)).toBe(true);
    const g = tf.grad((v: tf.Tensor) =>
      tf.sum(unwrap(nonTrainable({ c: Clip({ value: v, lo: 0, hi: 1 }) })).c as tf.Tensor),
    )(x);
    expect(values(g)).toEqual([0, 0, 0]);

    tf.dispose([x, y, doubled.c.value, u1.c, u2.c, u3.c, g]);
  });

  test("gradients flow through them to the leaves (valueAndGrad, against hand-computed values)", () => {
    const w = tf.tensor1d([0.2, 0.8, 1.5]);
    const model = { c: Clip({ value: w, lo: 0, hi: 1 }), p: Pair({ a: w, b: Parameterize(tf.square, w) }) };
    // loss = sum(clip(w)) + sum(w + w²): d/dw = [1, 1, 0] + 1 + 2w
    const { value, grads } = valueAndGrad((m: typeof model) => {
      const u = unwrap(m);
      return tf.add(tf.sum(u.c), tf.sum(u.p));
    })(model);
    expect(values(grads.c.value)).toEqual([1, 1, 0]);
    expect(values(grads.p.a).map((v) => v.toFixed(5))).toEqual(["1.00000", "1.00000", "1.00000"]);
    expect(values(grads.p.b.args[0]).map((v) => v.toFixed(5))).toEqual(["0.40000", "1.60000", "3.00000"]);
    expect(Clip.is(grads.c)).toBe(true);
    tf.dispose([value, grads.c.value, grads.p.a, grads.p.b.args[0], w]);
  });

  test("a failing unwrap throws an UnwrapError naming path and tag, and leaks nothing", () => {
    const Fails = defineWrapper({
      tag: "DwFails",
      children: ["value"],
      unwrap: ({ value }: { value: tf.Tensor }) => {
        tf.square(value);
        throw new Error("no");
      },
    });
    const x = tf.scalar(1);
    let caught: unknown;
    try {
      unwrap({ layers: [Parameterize(tf.exp, x), Fails({ value: Parameterize(tf.exp, x) })] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnwrapError);
    expect((caught as UnwrapError).message).toBe("unwrap: DwFails at .layers[1] failed: no");
    x.dispose();
  });
});

describe("the registry: decoding and overriding", () => {
  test("the codec encodes them without a registry and decodes them given the spec", () => {
    const x = tf.tensor1d([-1, 0.5, 3]);
    const model = { c: Clip({ value: Parameterize(tf.exp, x), lo: 0, hi: 2 }) };
    const text = stringifyTree(model);
    expect(JSON.parse(text).tree.c._tag).toBe("DwClip");
    // Without the spec the decoder does not know the tag, and says so.
    const unknown = parseTree(text);
    expect(E.isLeft(unknown)).toBe(true);
    const registry = registerWrapper(defaultRegistry, Clip.spec);
    expect(registry.specs.get("DwClip")).toBe(Clip.spec);
    const decoded = parseTree(text, { registry });
    if (E.isLeft(decoded)) throw new Error("decode failed");
    const back = decoded.right as typeof model;
    // The decoded record is the constructor's: plain unwrap knows it.
    expect(Clip.is(back.c)).toBe(true);
    expect(Object.isFrozen(back.c)).toBe(true);
    const a = unwrap(model);
    const b = unwrap(back);
    expect(values(b.c)).toEqual(values(a.c));
    tf.dispose([x, a.c, b.c, treeLeaves(back).filter((l) => l instanceof tf.Tensor) as tf.Tensor[]]);
  });

  test("a registry entry for the same tag wins where the registry is used", () => {
    const x = tf.tensor1d([-1, 0.5, 3]);
    const c = Clip({ value: x, lo: 0, hi: 1 });
    const registry = registerWrapper(defaultRegistry, {
      tag: "DwClip",
      children: ["value"],
      unwrap: ({ value }: { value: tf.Tensor }) => tf.neg(value),
    });
    const own = unwrap(c);
    const overridden = unwrap(c, { registry });
    expect(values(own)).toEqual([0, 0.5, 1]);
    expect(values(overridden)).toEqual([1, -0.5, -3]);
    // Another registry's entry may also change the children: its rule is the one the walk follows.
    const noChildren = registerWrapper(defaultRegistry, {
      tag: "DwClip",
      children: [],
      unwrap: () => "static",
    });
    expect(treeLeaves(c, { registry: noChildren })).toEqual([]);
    expect(unwrap(c, { registry: noChildren })).toBe("static");
    tf.dispose([x, own, overridden]);
  });

  test("registering the spec twice is refused as for any tag", () => {
    const registry = registerWrapper(defaultRegistry, Clip.spec);
    expect(() => registerWrapper(registry, Clip.spec)).toThrow('the tag "DwClip" is already registered');
  });
});
