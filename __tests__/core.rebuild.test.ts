/**
 * The engine's rebuild (`src/core/rebuildPass.ts`) as `treeMap`, `treeMapWithPath` and `unwrap`
 * use it, on chains from one level to well past the flatten's recursion limit: results must be
 * what a map written here (independently) gives, frozen nodes must come back frozen, untouched
 * subtrees must come back as the very same objects, and refusals, cycles, wrapper failures and the
 * scope bookkeeping of `unwrap` must see the whole path. Also which tensors of a `NonTrainable`'s
 * result `unwrap` keeps.
 */
import * as tf from "@tensorflow/tfjs-core";
import { keystr, registerRecord, treeMap, treeMapWithPath, type KeyPath } from "../src/core";
import { NonTrainable, Parameterize, UnwrapError, defaultRegistry, unwrap } from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

/**
 * `depth` levels alternating `{ next, tag: [d, null] }` (frozen at every fourth level) and
 * `[next]`, ending in the leaf `end`.
 */
function chain(depth: number, end: unknown = 0): unknown {
  let t: unknown = end;
  for (let d = depth - 1; d >= 0; d--) {
    const node = d % 2 === 0 ? { tag: [d, null], next: t } : [t];
    t = d % 4 === 0 ? Object.freeze(node) : node;
  }
  return t;
}

/** `f` over the number leaves of `t`, written out (plain objects, arrays, null), keeping frozenness. */
function mapByHand(f: (x: number) => unknown, t: unknown): unknown {
  // A loop, for the deep chains.
  const stack: { node: unknown; set: (v: unknown) => void }[] = [];
  let root: unknown;
  stack.push({ node: t, set: (v) => (root = v) });
  const freezes: object[] = [];
  while (stack.length > 0) {
    const { node, set } = stack.pop() as (typeof stack)[number];
    if (typeof node === "number") set(f(node));
    else if (node === null || typeof node !== "object") set(node);
    else {
      const out: Record<string, unknown> | unknown[] = Array.isArray(node) ? [] : {};
      for (const k of Object.keys(node)) {
        stack.push({
          node: (node as Record<string, unknown>)[k],
          set: (v) => ((out as Record<string, unknown>)[k] = v),
        });
      }
      if (Object.isFrozen(node)) freezes.push(out);
      set(out);
    }
  }
  for (const o of freezes) Object.freeze(o);
  return root;
}

/** The nodes of `chain(depth)` on the way down, and whether each is frozen. */
function frozenAlong(t: unknown): boolean[] {
  const out: boolean[] = [];
  let cur = t;
  while (cur !== null && typeof cur === "object") {
    out.push(Object.isFrozen(cur));
    cur = Array.isArray(cur) ? cur[0] : (cur as { next: unknown }).next;
  }
  return out;
}

/** The key path of the leaf at the bottom of `chain(depth)`. */
function bottomPath(depth: number): KeyPath {
  return Array.from({ length: depth }, (_, d) => (d % 2 === 0 ? "next" : 0));
}

/** A path as error messages show it: whole up to 50 keys, else the first and last 20 (README). */
function shownPath(path: KeyPath): string {
  if (path.length <= 50) return keystr(path);
  return `${keystr(path.slice(0, 20))}…(${path.length - 40} keys)…${keystr(path.slice(-20))}`;
}

describe.each([1, 2, 127, 128, 129, 401, 1500])("a chain %i levels deep", (depth) => {
  test("treeMap gives what a map written here gives, frozen where the input was", () => {
    const tree = chain(depth, 1);
    const out = treeMap((x: number) => x * 10, tree);
    expect(out).toEqual(mapByHand((x) => x * 10, tree));
    expect(frozenAlong(out)).toEqual(frozenAlong(tree));
    expect(out).not.toBe(tree);
  });

  test("treeMapWithPath hands each leaf its path", () => {
    const paths = new Map<unknown, string>();
    treeMapWithPath((path, x) => paths.set(x, keystr(path)), chain(depth, "end"));
    expect(paths.get("end")).toBe(keystr(bottomPath(depth)));
    expect(paths.get(0)).toBe(".tag[0]");
  });

  test("unwrap keeps every untouched subtree and rebuilds the way to a wrapper at the bottom", () => {
    const wrapped = chain(
      depth,
      Parameterize((x: number) => x + 1, 1),
    );
    const out = unwrap(wrapped);
    expect(out).toEqual(mapByHand((x) => x, chain(depth, 2)));
    // The same nodes frozen, down to the wrapper (the last node of the input, frozen: a record).
    expect(frozenAlong(out)).toEqual(frozenAlong(wrapped).slice(0, -1));
    // Every `tag` array (untouched) is the input's own.
    let a: unknown = wrapped;
    let b: unknown = out;
    for (let d = 0; d < depth; d++) {
      if (!Array.isArray(a)) expect((b as { tag: unknown }).tag).toBe((a as { tag: unknown }).tag);
      a = Array.isArray(a) ? a[0] : (a as { next: unknown }).next;
      b = Array.isArray(b) ? b[0] : (b as { next: unknown }).next;
    }
    expect(b).toBe(2);
    const plain = chain(depth);
    expect(unwrap(plain)).toBe(plain);
  });

  test("a hole at the bottom is refused with its key path (the ends of a long one)", () => {
    const tree = chain(depth, [1, , 2]); // eslint-disable-line no-sparse-arrays
    const path = shownPath(bottomPath(depth));
    expect(() => treeMap((x: unknown) => x, tree)).toThrow(
      `the node at ${path === "" ? "the root" : path} has a hole at index 1 (a sparse array)`,
    );
  });

  test("a wrapper failing at the bottom names its path (the ends of a long one; the error keeps it whole)", () => {
    const tree = chain(
      depth,
      Parameterize(() => {
        throw new Error("boom");
      }),
    );
    expect(() => unwrap(tree)).toThrow(UnwrapError);
    expect(() => unwrap(tree)).toThrow(
      `unwrap: Parameterize at ${shownPath(bottomPath(depth))} failed: boom`,
    );
    let error: unknown;
    try {
      unwrap(tree);
    } catch (e) {
      error = e;
    }
    expect((error as UnwrapError).path).toEqual(bottomPath(depth));
  });

  test("a wrapper's result consumed by a wrapper far above is disposed, the outer one's kept", () => {
    const x = tf.scalar(1);
    const inner = chain(depth, Parameterize(tf.exp, x));
    let seen = 0;
    const outer = Parameterize((t: unknown) => {
      let cur = t;
      while (!(cur instanceof tf.Tensor)) cur = Array.isArray(cur) ? cur[0] : (cur as { next: unknown }).next;
      seen = (cur as tf.Tensor).dataSync()[0] as number;
      return tf.add(cur as tf.Tensor, 1);
    }, inner);
    const before = tf.memory().numTensors;
    const kept = tf.tidy(() => {
      const out = unwrap({ outer, alone: chain(depth, Parameterize(tf.neg, x)) }) as {
        outer: tf.Tensor;
        alone: tf.TensorContainer;
      };
      // The inner exp was consumed by `outer`: only the two results are left.
      expect(tf.memory().numTensors).toBe(before + 2);
      return out;
    });
    expect(seen).toBeCloseTo(Math.E);
    expect(kept.outer.dataSync()[0]).toBeCloseTo(Math.E + 1);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x, kept.outer]);
    let cur: unknown = kept.alone;
    while (!(cur instanceof tf.Tensor)) cur = Array.isArray(cur) ? cur[0] : (cur as { next: unknown }).next;
    (cur as tf.Tensor).dispose();
  });
});

test("a tree 100,000 levels deep, frozen every fourth level, is mapped and unwrapped", () => {
  const tree = chain(100_000, 1);
  const out = treeMap((x: number) => x + 1, tree);
  expect(frozenAlong(out)).toEqual(frozenAlong(tree));
  let cur: unknown = out;
  while (cur !== null && typeof cur === "object")
    cur = Array.isArray(cur) ? cur[0] : (cur as { next: unknown }).next;
  expect(cur).toBe(2);
  expect(unwrap(tree)).toBe(tree);
});

describe("a shallow tree", () => {
  test("an accessor four levels down is refused with its path, and never run", () => {
    let ran = false;
    const odd = {};
    Object.defineProperty(odd, "x", {
      enumerable: true,
      get: () => {
        ran = true;
        return 1;
      },
    });
    const tree = { a: [{ b: { c: odd } }] };
    expect(() => treeMap((x: unknown) => x, tree)).toThrow(
      'the node at .a[0].b.c has an accessor property "x" (a getter or setter)',
    );
    expect(() => unwrap(tree)).toThrow(
      'the node at .a[0].b.c has an accessor property "x" (a getter or setter)',
    );
    expect(ran).toBe(false);
  });

  test("a cycle is refused, naming where it closes", () => {
    const a: { x: unknown[] } = { x: [] };
    a.x.push({ back: a });
    expect(() => treeMap((x: unknown) => x, a)).toThrow(
      /^cyclic tree: the node at <root> contains itself \(it is reached again at \.x\[0\]\.back\)/,
    );
    expect(() => unwrap(a)).toThrow(/^cyclic tree: the node at <root> contains itself/);
  });

  test("subtrees without wrappers come back as the very same objects, and frozen records stay frozen", () => {
    const pair = registerRecord(defaultRegistry, { tag: "Pair", children: ["l", "r"] });
    const untouched = { deep: [{ x: 1 }, Object.freeze([2])] };
    const rec = Object.freeze({ _tag: "Pair", l: 1, r: untouched, note: "static" });
    const tree = { rec, untouched, list: [1, 2] };
    const doubled = treeMap((x: number) => x * 2, tree, { registry: pair });
    expect(doubled.rec).toEqual({ _tag: "Pair", l: 2, r: { deep: [{ x: 2 }, [4]] }, note: "static" });
    expect(Object.isFrozen(doubled.rec)).toBe(true);
    expect(Object.isFrozen(doubled.rec.r.deep[1])).toBe(true);
    expect(doubled.untouched).not.toBe(untouched); // treeMap makes new containers
    const p = Parameterize((x: number) => -x, 3);
    const out = unwrap({ p, rec, untouched, list: tree.list }, { registry: pair });
    expect(out.p).toBe(-3);
    expect(out.rec).toBe(rec);
    expect(out.untouched).toBe(untouched);
    expect(out.list).toBe(tree.list);
  });

  test("a child equal to the old one by Object.is only is kept (NaN), a sign change of zero is not", () => {
    const tree = { a: [NaN], b: [-0] };
    const out = treeMapWithPath((_p, x: number) => (Object.is(x, -0) ? 0 : x), tree);
    expect(Object.is(out.b[0], 0)).toBe(true);
    const same = unwrap(tree);
    expect(same).toBe(tree);
  });

  test("a pass started inside a hook (a map inside a map) gets arrays of its own", () => {
    const inner = { u: [1, 2], v: 3 };
    const out = treeMap((x: number) => treeMap((y: number) => x * 10 + y, inner), { a: 1, b: [2] });
    expect(out).toEqual({ a: { u: [11, 12], v: 13 }, b: [{ u: [21, 22], v: 23 }] });
  });

  test("the tensors of a NonTrainable's result are kept by the enclosing tidy, consumed ones disposed", () => {
    const w = tf.scalar(2);
    const steps = tf.scalar(3, "int32");
    const before = tf.memory().numTensors;
    const out = tf.tidy(() =>
      unwrap({
        frozen: NonTrainable({ w, steps, n: 1, same: [w] }),
        consumed: Parameterize((t: { w: tf.Tensor }) => tf.mul(t.w, 2), NonTrainable({ w })),
      }),
    );
    // Two stopGradient copies of `w` in `frozen` (leaf order: n, same[0], steps, w) and one result.
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(out.frozen.steps).toBe(steps);
    expect(out.frozen.w).not.toBe(w);
    expect(out.frozen.same[0]).not.toBe(w);
    expect(out.frozen.w.dataSync()[0]).toBe(2);
    expect(out.consumed.dataSync()[0]).toBe(4);
    tf.dispose([out.frozen.w, out.frozen.same[0], out.consumed, w, steps]);
  });
});
