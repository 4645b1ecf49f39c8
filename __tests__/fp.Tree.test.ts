import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs-core";
import * as A from "fp-ts/Array";
import { getApplicativeComposition, type Applicative } from "fp-ts/Applicative";
import * as E from "fp-ts/Either";
import type { Eq } from "fp-ts/Eq";
import { identity, pipe } from "fp-ts/function";
import * as I from "fp-ts/Identity";
import * as IO from "fp-ts/IO";
import * as N from "fp-ts/number";
import * as O from "fp-ts/Option";
import * as RA from "fp-ts/ReadonlyArray";
import * as S from "fp-ts/State";
import * as Str from "fp-ts/string";
import * as Task from "fp-ts/Task";
import * as TE from "fp-ts/TaskEither";
import * as Th from "fp-ts/These";
import * as T from "../src/fp/Tree";
import { initBackend } from "../src";
import { keystr, type KeyPath } from "../src";
import { registerWrapper } from "../src";
import { emptyRegistry } from "../src/advanced";
import { treeFlatten, treeLeaves } from "../src";

beforeAll(async () => {
  await initBackend();
});

// -------------------------------------------------------------------------------------
// arbitraries
// -------------------------------------------------------------------------------------

/** Trees of integers: nested arrays and objects (odd keys included), null and undefined nodes. */
const { tree: arbTree } = fc.letrec<{ tree: unknown; array: unknown[]; object: Record<string, unknown> }>(
  (tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.integer({ min: -1000, max: 1000 }),
      tie("array"),
      tie("object"),
      fc.constantFrom(null, undefined),
    ),
    array: fc.array(tie("tree"), { maxLength: 4 }),
    object: fc.dictionary(fc.constantFrom("a", "b", "c", "z", "odd key", "0"), tie("tree"), { maxKeys: 4 }),
  }),
);

/** Small trees over {0, 1}: equal pairs and triples are common, so the Eq laws are exercised. */
const { tree: arbSmallTree } = fc.letrec<{ tree: unknown; array: unknown[] }>((tie) => ({
  tree: fc.oneof({ depthSize: "small" }, fc.integer({ min: 0, max: 1 }), tie("array"), fc.constant(null)),
  array: fc.array(tie("tree"), { maxLength: 2 }),
}));

const f = (x: number): number => 2 * x + 1;
const g = (x: number): string => `<${x}>`;

// -------------------------------------------------------------------------------------
// pipeable forms
// -------------------------------------------------------------------------------------

describe("pipeable forms", () => {
  test("map, leaves and structure read like fp-ts", () => {
    const tree = { b: [2, 3], a: 1, c: null };
    const out = pipe(
      tree,
      T.map((x: number) => x * 10),
    );
    expect(out).toEqual({ b: [20, 30], a: 10, c: null });
    expect(
      pipe(
        tree,
        T.map((x: number) => x * 10),
        T.leaves,
      ),
    ).toEqual([10, 20, 30]);
    expect(T.structure(out).toString()).toBe("TreeDef({ a: *, b: [*, *], c: null })");
    expect(T.size(tree)).toBe(3);
    expect(tree).toEqual({ b: [2, 3], a: 1, c: null }); // input untouched
  });

  test("the leaf type flows through a pipe (compile-time check)", () => {
    const strings: string[] = pipe(
      { a: 1, b: [2] },
      T.map((x: number) => String(x)),
      T.leaves,
    );
    const numbers: number[] = pipe({ a: 1 }, T.asTree<number>, T.leaves);
    const raw: unknown[] = T.leaves({ a: 1 });
    const either: E.Either<string, T.TreeOf<number>> = pipe(
      { a: 1 },
      T.traverse(E.Applicative)((x: number) => (x > 0 ? E.right(x) : E.left("neg"))),
    );
    expect([strings, numbers, raw, either]).toEqual([["1", "2"], [1], [1], E.right({ a: 1 })]);
  });

  test("mapWithIndex and leavesWithIndex give key paths in leaf order", () => {
    const tree = { layers: [{ w: 1 }, { w: 2 }], "odd key": 3 };
    expect(
      pipe(
        tree,
        T.mapWithIndex((path, x: number) => `${keystr(path)}=${x}`),
      ),
    ).toEqual({
      layers: [{ w: ".layers[0].w=1" }, { w: ".layers[1].w=2" }],
      "odd key": '["odd key"]=3',
    });
    expect(T.leavesWithIndex(tree)).toEqual([
      [["layers", 0, "w"], 1],
      [["layers", 1, "w"], 2],
      [["odd key"], 3],
    ]);
  });

  test("reduce / reduceRight / foldMap visit leaves in sorted-key order", () => {
    const tree = { b: [2, 3], a: 1 };
    expect(
      pipe(
        tree,
        T.reduce("", (s, x: number) => s + x),
      ),
    ).toBe("123");
    expect(
      pipe(
        tree,
        T.reduceRight("", (x: number, s) => s + x),
      ),
    ).toBe("321");
    expect(
      pipe(
        tree,
        T.foldMap(N.MonoidSum)((x: number) => x * x),
      ),
    ).toBe(14);
    expect(
      pipe(
        tree,
        T.foldMapWithIndex(Str.Monoid)((p, x: number) => `${keystr(p)}:${x} `),
      ),
    ).toBe(".a:1 .b[0]:2 .b[1]:3 ");
    expect(
      pipe(
        tree,
        T.reduceWithIndex([] as string[], (p, acc, _x) => [...acc, keystr(p)]),
      ),
    ).toEqual([".a", ".b[0]", ".b[1]"]);
    expect(
      pipe(
        tree,
        T.reduceRightWithIndex([] as string[], (p, _x, acc) => [...acc, keystr(p)]),
      ),
    ).toEqual([".b[1]", ".b[0]", ".a"]);
  });

  test("zipWith combines two trees matched by key, and names where structures differ", () => {
    expect(
      pipe(
        { x: 1, y: [2] },
        T.zipWith({ y: [20], x: 10 }, (a: number, b: number) => a + b),
      ),
    ).toEqual({
      x: 11,
      y: [22],
    });
    expect(() =>
      pipe(
        { x: 1, y: [2] },
        T.zipWith({ x: 1, y: [2, 3] }, (a: number, b: number) => a + b),
      ),
    ).toThrow(/at \.y/);
  });

  test("traverse validates every leaf into an Either; traverseWithIndex says where", () => {
    const finite = (path: KeyPath, x: number) =>
      Number.isFinite(x) ? E.right(x) : E.left(`not finite at ${keystr(path)}`);
    expect(pipe({ a: 1, b: [2, 3] }, T.traverseWithIndex(E.Applicative)(finite))).toEqual(
      E.right({ a: 1, b: [2, 3] }),
    );
    // The first failure in leaf order wins with E.Applicative ...
    expect(pipe({ a: 1, b: [NaN, Infinity] }, T.traverseWithIndex(E.Applicative)(finite))).toEqual(
      E.left("not finite at .b[0]"),
    );
    // ... and a validation applicative collects them all, in leaf order.
    const V = E.getApplicativeValidation(RA.getSemigroup<string>());
    expect(
      pipe(
        { z: NaN, a: Infinity, m: 0 },
        T.traverseWithIndex(V)((path, x: number) =>
          Number.isFinite(x) ? E.right(x) : E.left([keystr(path)]),
        ),
      ),
    ).toEqual(E.left([".a", ".z"]));
  });

  test("sequence turns a tree of Options into an Option of a tree", () => {
    expect(pipe({ a: O.some(1), b: [O.some(2)] }, T.sequence(O.Applicative))).toEqual(
      O.some({ a: 1, b: [2] }),
    );
    expect(pipe({ a: O.some(1), b: [O.none] }, T.sequence(O.Applicative))).toEqual(O.none);
    expect(pipe({}, T.sequence(O.Applicative))).toEqual(O.some({}));
    // Either values are leaves too, and the first Left in leaf order wins.
    expect(pipe([E.right(1), { b: E.left("b"), a: E.left("a") }], T.sequence(E.Applicative))).toEqual(
      E.left("a"),
    );
    // A registered wrapper tag stays a node.
    const registry = registerWrapper(emptyRegistry, { tag: "Box", children: ["x"], unwrap: (n) => n });
    const B = T.withOptions({ registry });
    expect(pipe({ _tag: "Box", x: O.some(3) }, B.sequence(O.Applicative))).toEqual(
      O.some({ _tag: "Box", x: 3 }),
    );
  });

  test("an empty tree traverses to F.of of itself", () => {
    expect(
      pipe(
        [null, {}],
        T.traverse(E.Applicative)((x: number) => E.left(x)),
      ),
    ).toEqual(E.right([null, {}]));
  });

  test("TE.ApplicativePar runs the leaves' tasks concurrently; ApplicativeSeq one at a time", async () => {
    const run = async (F: typeof TE.ApplicativePar) => {
      let inFlight = 0;
      let maxInFlight = 0;
      const work =
        (x: number): TE.TaskEither<string, number> =>
        async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight--;
          return E.right(x * 2);
        };
      const result = await pipe({ a: 1, b: [2, 3, 4] }, T.traverse(F)(work))();
      return { result, maxInFlight };
    };
    const par = await run(TE.ApplicativePar);
    expect(par.result).toEqual(E.right({ a: 2, b: [4, 6, 8] }));
    expect(par.maxInFlight).toBe(4);
    const seq = await run(TE.ApplicativeSeq);
    expect(seq.result).toEqual(E.right({ a: 2, b: [4, 6, 8] }));
    expect(seq.maxInFlight).toBe(1);
  });

  test("a traversed Task can be run twice with the same result (nothing shared is mutated)", async () => {
    let calls = 0;
    const task = pipe(
      [1, 2, 3],
      T.traverse(TE.ApplicativePar)((x: number) => TE.fromTask(async () => x + calls++ * 0)),
    );
    expect(await task()).toEqual(E.right([1, 2, 3]));
    expect(await task()).toEqual(E.right([1, 2, 3]));
    expect(calls).toBe(6);
    const generic = pipe(
      [1, 2, 3],
      T.traverse({ ...TE.ApplicativePar })((x: number) => TE.fromTask(async () => x + calls++ * 0)),
    );
    expect(await generic()).toEqual(E.right([1, 2, 3]));
    expect(await generic()).toEqual(E.right([1, 2, 3]));
    expect(calls).toBe(12);
  });

  test("tensor leaves: map with tf ops, no leaks once results are disposed", () => {
    const before = tf.memory().numTensors;
    const model = { w: tf.tensor([1, 2]), b: tf.scalar(-1) };
    const exp = pipe(
      model,
      T.map((x: tf.Tensor) => tf.exp(x)),
    );
    const values = pipe(exp, T.leaves).map((t) => Array.from(t.dataSync()));
    expect(values[0]?.[0]).toBeCloseTo(Math.exp(-1), 5);
    expect(values[1]).toEqual([expect.closeTo(Math.E, 5), expect.closeTo(Math.exp(2), 4)]);
    tf.dispose([...T.leaves(exp), ...T.leaves(model)] as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("withOptions: a custom registry makes a tagged record a node with static fields", () => {
    const registry = registerWrapper(emptyRegistry, { tag: "Pair", children: ["l", "r"], unwrap: (n) => n });
    const P = T.withOptions({ registry });
    const tree = { p: { _tag: "Pair", l: 1, r: [2], name: "static" } };
    expect(P.leaves(tree)).toEqual([1, 2]);
    expect(
      pipe(
        tree,
        P.map((x: number) => -x),
      ),
    ).toEqual({ p: { _tag: "Pair", l: -1, r: [-2], name: "static" } });
    expect(
      pipe(
        tree,
        P.traverse(O.Applicative)((x: number) => O.some(x + 1)),
      ),
    ).toEqual(O.some({ p: { _tag: "Pair", l: 2, r: [3], name: "static" } }));
    // With the default options the same record is a plain object: its tag and name are leaves.
    expect(T.leaves(tree)).toEqual(["Pair", 1, "static", 2]);
    // isLeaf: arrays as leaves
    const L = T.withOptions({ isLeaf: Array.isArray });
    expect(
      pipe(
        { a: [1, 2], b: [3] },
        L.map((xs: number[]) => xs.length),
        L.leaves,
      ),
    ).toEqual([2, 1]);
  });
});

describe("sequence: only fp-ts's own tagged values are effects", () => {
  /** A node whose `key` is a getter counting its calls. */
  const withGetter = (base: Record<string, unknown>, key: string, value: unknown) => {
    const calls = { n: 0 };
    const node = Object.defineProperty({ ...base }, key, {
      get: () => {
        calls.n++;
        return value;
      },
      enumerable: true,
    });
    return { node, calls };
  };

  test("an ordinary tagged object is a node: its effects are sequenced and its _tag kept", () => {
    const tree = { cfg: { _tag: "Config", lr: O.some(0.1) }, w: O.some(2) };
    expect(pipe(tree, T.sequence(O.Applicative))).toEqual(O.some({ cfg: { _tag: "Config", lr: 0.1 }, w: 2 }));
    expect(pipe({ cfg: { _tag: "Config", lr: O.none }, w: O.some(2) }, T.sequence(O.Applicative))).toEqual(
      O.none,
    );
    // The same for Either, in a tagged object inside an array, with the first Left in leaf order.
    expect(
      pipe([{ _tag: "Layer", b: E.left("b"), a: E.right(1) }, E.left("later")], T.sequence(E.Applicative)),
    ).toEqual(E.left("b"));
    expect(pipe([{ _tag: "Layer", a: E.right(1) }], T.sequence(E.Applicative))).toEqual(
      E.right([{ _tag: "Layer", a: 1 }]),
    );
    // The input is not mutated.
    expect(tree).toEqual({ cfg: { _tag: "Config", lr: O.some(0.1) }, w: O.some(2) });
  });

  test("only the exact shapes fp-ts builds are effects (Option, Either, These)", () => {
    // An fp-ts tag with another field is an ordinary object, walked as a node.
    expect(
      pipe({ a: { _tag: "Some", value: O.some(1), extra: O.some(2) } }, T.sequence(O.Applicative)),
    ).toEqual(O.some({ a: { _tag: "Some", value: 1, extra: 2 } }));
    expect(pipe({ a: { _tag: "None", note: O.some("n") } }, T.sequence(O.Applicative))).toEqual(
      O.some({ a: { _tag: "None", note: "n" } }),
    );
    // These: Both, Left and Right values are effects.
    const V = Th.getApplicative(Str.Semigroup);
    expect(pipe({ a: Th.both("w1 ", 1), b: [Th.right(2), Th.both("w2", 3)] }, T.sequence(V))).toEqual(
      Th.both("w1 w2", { a: 1, b: [2, 3] }),
    );
    expect(pipe({ a: Th.left("e"), b: Th.right(2) }, T.sequence(V))).toEqual(Th.left("e"));
  });

  test("a registered record stays a node, whatever its tag", () => {
    const registry = registerWrapper(emptyRegistry, { tag: "Box", children: ["x"], unwrap: (n) => n });
    const B = T.withOptions({ registry });
    expect(
      pipe(
        { cfg: { _tag: "Config", box: { _tag: "Box", x: O.some(3), note: "static" } } },
        B.sequence(O.Applicative),
      ),
    ).toEqual(O.some({ cfg: { _tag: "Config", box: { _tag: "Box", x: 3, note: "static" } } }));
    // Even one shaped like an fp-ts value: registering the tag makes it a record.
    const L = T.withOptions({
      registry: registerWrapper(emptyRegistry, { tag: "Left", children: ["left"], unwrap: (n) => n }),
    });
    expect(pipe({ a: { _tag: "Left", left: O.some(1) } }, L.sequence(O.Applicative))).toEqual(
      O.some({ a: { _tag: "Left", left: 1 } }),
    );
  });

  test("node rules: an accessor _tag or field is refused at its path and its getter never runs", () => {
    const config = withGetter({ lr: O.some(1) }, "_tag", "Config");
    expect(() => pipe({ a: { b: config.node } }, T.sequence(O.Applicative))).toThrow(
      /^the node at \.a\.b has an accessor property "_tag"/,
    );
    expect(config.calls.n).toBe(0);
    // Shaped like an fp-ts value but with a getter: not an effect, so a node, so refused.
    const some = withGetter({ value: 1 }, "_tag", "Some");
    expect(() => pipe([some.node], T.sequence(O.Applicative))).toThrow(
      /^the node at \[0\] has an accessor property "_tag"/,
    );
    expect(some.calls.n).toBe(0);
    const value = withGetter({ _tag: "Some" }, "value", 1);
    expect(() => pipe({ v: value.node }, T.sequence(O.Applicative))).toThrow(
      /^the node at \.v has an accessor property "value"/,
    );
    expect(value.calls.n).toBe(0);
  });
});

describe("filter and partition", () => {
  const isTensor = (x: unknown): x is tf.Tensor => x instanceof tf.Tensor;

  test("filter keeps matching leaves and leaves null holes; the refinement types the leaves", () => {
    const before = tf.memory().numTensors;
    const w = tf.ones([2]);
    const model = { w, lr: 0.1, layers: [{ b: tf.zeros([1]), name: "l0" }] };
    const tensors: tf.Tensor[] = pipe(model, T.filter(isTensor), T.leaves);
    expect(tensors).toHaveLength(2);
    expect(tensors[1]).toBe(w);
    expect(pipe(model, T.filter(isTensor))).toEqual({
      w,
      lr: null,
      layers: [{ b: model.layers[0]?.b, name: null }],
    });
    const { left, right } = pipe(model, T.partition(isTensor));
    expect(T.leaves(left)).toEqual(["l0", 0.1]);
    expect(T.leaves(right)).toEqual(tensors);
    tf.dispose(tensors);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("leaves(filter(p)(t)) = leaves(t).filter(p); partition's halves split the leaves", () => {
    const even = (x: number) => x % 2 === 0;
    fc.assert(
      fc.property(arbTree, (t) => {
        const leaves = treeLeaves<number>(t);
        expect(T.leaves(T.filter(even)(t))).toEqual(leaves.filter(even));
        const { left, right } = T.partition(even)(t);
        expect(T.leaves(right)).toEqual(leaves.filter(even));
        expect(T.leaves(left)).toEqual(leaves.filter((x) => !even(x)));
        expect(T.structure(left).numLeaves + T.structure(right).numLeaves).toBe(leaves.length);
      }),
    );
  });
});

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

describe("laws (fast-check)", () => {
  test("Functor identity: map(id) = id", () => {
    fc.assert(fc.property(arbTree, (t) => expect(T.Functor.map(t, identity)).toStrictEqual(t)));
  });

  test("Functor composition: map(g . f) = map(g) . map(f)", () => {
    fc.assert(
      fc.property(arbTree, (t) => {
        expect(T.Functor.map(t, (x: number) => g(f(x)))).toStrictEqual(T.Functor.map(T.Functor.map(t, f), g));
      }),
    );
  });

  test("FunctorWithIndex: mapWithIndex ignoring the index is map; the index is the leaf's path", () => {
    fc.assert(
      fc.property(arbTree, (t) => {
        expect(T.FunctorWithIndex.mapWithIndex(t, (_, x: number) => f(x))).toStrictEqual(T.Functor.map(t, f));
        const paths = T.leaves(T.FunctorWithIndex.mapWithIndex(t, (p) => JSON.stringify(p)));
        expect(paths).toEqual(T.leavesWithIndex(t).map(([p]) => JSON.stringify(p)));
      }),
    );
  });

  test("Foldable: reduce, foldMap (free monoid), reduceRight and leaves agree", () => {
    fc.assert(
      fc.property(arbTree, (t) => {
        const leaves = treeLeaves<number>(t);
        expect(T.Foldable.reduce(t, [] as number[], (acc, x: number) => [...acc, x])).toEqual(leaves);
        expect(T.Foldable.foldMap(A.getMonoid<number>())(t, (x: number) => [x])).toEqual(leaves);
        expect(T.Foldable.reduceRight(t, [] as number[], (x: number, acc) => [x, ...acc])).toEqual(leaves);
        // reduce with a non-commutative function equals foldMap into the endomorphism monoid
        const step = (b: number, a: number) => 3 * b - a;
        const viaReduce = T.Foldable.reduce(t, 1, step);
        const viaFold = leaves.reduce(step, 1);
        expect(viaReduce).toBe(viaFold);
        expect(T.FoldableWithIndex.reduceWithIndex(t, 1, (_, b, a: number) => step(b, a))).toBe(viaFold);
        expect(T.FoldableWithIndex.foldMapWithIndex(N.MonoidSum)(t, (_, a: number) => a)).toBe(
          leaves.reduce((a, b) => a + b, 0),
        );
      }),
    );
  });

  test("Traversable identity: traverse(Identity)(Identity.of) = Identity.of", () => {
    fc.assert(
      fc.property(arbTree, (t) =>
        expect(T.Traversable.traverse(I.Applicative)(t, I.of)).toStrictEqual(I.of(t)),
      ),
    );
  });

  test("Traversable naturality: nt . traverse(Option)(f) = traverse(Either)(nt . f), nt = Option -> Either", () => {
    const nt = <X>(o: O.Option<X>): E.Either<string, X> => E.fromOption(() => "none")(o);
    fc.assert(
      fc.property(arbTree, fc.integer({ min: 2, max: 7 }), (t, k) => {
        const h = (x: number): O.Option<number> => (x % k === 0 ? O.none : O.some(x * 3));
        expect(nt(T.Traversable.traverse(O.Applicative)(t, h))).toStrictEqual(
          T.Traversable.traverse(E.Applicative)(t, (x: number) => nt(h(x))),
        );
      }),
    );
  });

  test("Traversable composition: traverse(Compose(Option, Either))(map(f, g)) = map(traverse(f), traverse(g))", () => {
    // The composition lacks a URI (it is not a registered HKT), so it goes through the HKT overload.
    const C = getApplicativeComposition(O.Applicative, E.Applicative) as unknown as Applicative<"Compose">;
    const traverseC = T.Traversable.traverse(C) as unknown as (
      t: unknown,
      f: (x: number) => O.Option<E.Either<string, number>>,
    ) => O.Option<E.Either<string, unknown>>;
    fc.assert(
      fc.property(arbTree, (t) => {
        const ff = (x: number): O.Option<number> => (x % 5 === 0 ? O.none : O.some(x + 1));
        const gg = (y: number): E.Either<string, number> =>
          y % 3 === 0 ? E.left(`bad ${y}`) : E.right(y * 2);
        const composed = traverseC(t, (x: number) => O.Functor.map(ff(x), gg));
        const stepwise = O.Functor.map(T.Traversable.traverse(O.Applicative)(t, ff), (u) =>
          T.Traversable.traverse(E.Applicative)(u, gg),
        );
        expect(composed).toStrictEqual(stepwise);
      }),
    );
  });

  test("traverse agrees with fp-ts ReadonlyArray.traverse on the leaves (State: effect order; Array: nondeterminism; validation)", () => {
    const rebuild = (t: unknown) => (bs: readonly unknown[]) => treeFlatten(t)[1].unflatten(bs);
    const V = E.getApplicativeValidation(Str.Semigroup);
    fc.assert(
      fc.property(arbTree, (t) => {
        const leaves = treeLeaves<number>(t);
        // State numbers the leaves: the order in which effects run.
        const number =
          (x: number): S.State<number, string> =>
          (s) => [`${x}#${s}`, s + 1];
        const mine = T.Traversable.traverse(S.Applicative)(t, number)(0);
        const ref = S.Functor.map(RA.traverse(S.Applicative)(number)(leaves), rebuild(t))(0);
        expect(mine).toStrictEqual(ref);
        // Validation concatenates errors in leaf order.
        const validate = (x: number) => (x % 2 === 0 ? E.right(x) : E.left(`${x};`));
        expect(T.Traversable.traverse(V)(t, validate)).toStrictEqual(
          E.Functor.map(RA.traverse(V)(validate)(leaves), rebuild(t)),
        );
        // The Array applicative runs the function on every combination.
        if (leaves.length <= 6) {
          const both = (x: number) => [x, -x - 1];
          expect(T.Traversable.traverse(A.Applicative)(t, both)).toStrictEqual(
            RA.traverse(A.Applicative)(both)(leaves).map(rebuild(t)),
          );
        }
      }),
    );
  });
});

describe("fp-ts's specialised traversals (matched by identity) agree with the generic path", () => {
  // A copy of an instance is not recognised, so it takes the generic balanced path.
  const generic = <F>(F: F): F => ({ ...F });

  test("Either and Option, on random trees", () => {
    const fe = (p: KeyPath, x: number) => (x % 7 === 3 ? E.left(`${keystr(p)}:${x}`) : E.right(x * 2));
    const fo = (x: number) => (x % 5 === 1 ? O.none : O.some(x - 1));
    fc.assert(
      fc.property(arbTree, (t) => {
        expect(T.traverseWithIndex(E.Applicative)(fe)(t)).toStrictEqual(
          T.traverseWithIndex(generic(E.Applicative))(fe)(t),
        );
        expect(T.traverse(O.Applicative)(fo)(t)).toStrictEqual(T.traverse(generic(O.Applicative))(fo)(t));
      }),
    );
  });

  test("Task and TaskEither, Par and Seq: same results and, for Seq, the same effect order", async () => {
    const trees: unknown[] = [[], [1], { b: [2, 3], a: 1, c: null }, [4, [5, [6, 7]], { x: 8 }]];
    for (const t of trees) {
      for (const F of [TE.ApplicativePar, TE.ApplicativeSeq]) {
        const run = async (G: typeof F) => {
          const log: number[] = [];
          const f =
            (x: number): TE.TaskEither<string, number> =>
            async () => {
              log.push(x);
              return x === 5 || x === 7 ? E.left(`bad ${x}`) : E.right(x * 10);
            };
          const result = await T.traverse(G)(f)(t)();
          return { result, log };
        };
        const fast = await run(F);
        const slow = await run(generic(F));
        expect(fast.result).toStrictEqual(slow.result);
        if (F === TE.ApplicativeSeq) expect(fast.log).toEqual(slow.log);
        else expect([...fast.log].sort()).toEqual([...slow.log].sort());
      }
      const f = (x: number) => async () => x + 1;
      expect(await T.traverse(Task.ApplicativePar)(f)(t)()).toStrictEqual(
        await T.traverse(generic(Task.ApplicativePar))(f)(t)(),
      );
      expect(await T.traverse(Task.ApplicativeSeq)(f)(t)()).toStrictEqual(
        await T.traverse(generic(Task.ApplicativeSeq))(f)(t)(),
      );
    }
  });
});

// -------------------------------------------------------------------------------------
// scale
// -------------------------------------------------------------------------------------

describe("scale: no recursion over the tree, no deep closure chains", () => {
  const deepChain = (depth: number, leaf: unknown) => {
    let t: unknown = leaf;
    for (let i = 0; i < depth; i++) t = { a: t };
    return t;
  };

  test("a tree 100,000 levels deep traverses with E.Applicative and IO", () => {
    const t = deepChain(100_000, 7);
    const out = pipe(
      t,
      T.traverse(E.Applicative)((x: number) => E.right(x + 1)),
    );
    expect(E.isRight(out)).toBe(true);
    if (E.isRight(out)) expect(T.leaves(out.right)).toEqual([8]);
    expect(
      T.leaves(
        pipe(
          t,
          T.traverse(IO.Applicative)((x: number) => IO.of(x * 2)),
        )(),
      ),
    ).toEqual([14]);
    const paths = T.leavesWithIndex(t);
    expect(paths[0]?.[0].length).toBe(100_000);
  });

  test("100,000 leaves: Either (right and left), validation, and IO (which overflows fp-ts's own array traverse)", () => {
    const n = 100_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ok = pipe(
      xs,
      T.traverse(E.Applicative)((x: number) => E.right(x * 2)),
    );
    expect(E.isRight(ok) && (ok.right as unknown as number[])[n - 1]).toBe(2 * (n - 1));
    for (const F of [E.Applicative, { ...E.Applicative }]) {
      // the fast path, then a copy of the instance: the generic balanced path
      const bad = pipe(
        xs,
        T.traverseWithIndex(F)((p, x: number) => (x % 50_000 === 49_999 ? E.left(keystr(p)) : E.right(x))),
      );
      expect(bad).toEqual(E.left("[49999]"));
    }
    const V = E.getApplicativeValidation(RA.getSemigroup<number>());
    const all = pipe(
      xs,
      T.traverse(V)((x: number) => (x % 25_000 === 0 ? E.left([x]) : E.right(x))),
    );
    expect(all).toEqual(E.left([0, 25_000, 50_000, 75_000]));
    const io = pipe(
      xs,
      T.traverse(IO.Applicative)((x: number) => () => x + 1),
    );
    const ran = io() as unknown as number[];
    expect(ran.length).toBe(n);
    expect(ran[n - 1]).toBe(n);
    // The reference: fp-ts's left fold nests one IO call per element and overflows the stack.
    expect(() => RA.traverse(IO.Applicative)((x: number) => () => x + 1)(xs)()).toThrow(RangeError);
  });

  test("TE.ApplicativePar over 20,000 leaves (fp-ts's own RA.traverse takes minutes here: it is quadratic)", async () => {
    const xs = Array.from({ length: 20_000 }, (_, i) => i);
    const out = await pipe(
      xs,
      T.traverse(TE.ApplicativePar)((x: number) => TE.right(x + 1)),
    )();
    expect(E.isRight(out) && (out.right as unknown as number[])[19_999]).toBe(20_000);
    const generic = await pipe(
      xs,
      T.traverse({ ...TE.ApplicativePar })((x: number) => TE.right(x + 1)),
    )();
    expect(generic).toStrictEqual(out);
  });
});

// -------------------------------------------------------------------------------------
// Eq and Show
// -------------------------------------------------------------------------------------

describe("getEq (on treeEqual) and getShow (on treeFormat)", () => {
  const Eq = T.getEq<number>();
  const EqN = T.getEq(N.Eq);

  test("Eq laws with exact comparison: reflexive, symmetric, transitive", () => {
    let equalPairs = 0;
    fc.assert(
      fc.property(arbSmallTree, arbSmallTree, arbSmallTree, (x, y, z) => {
        for (const E_ of [Eq, EqN]) {
          expect(E_.equals(x, x)).toBe(true);
          expect(E_.equals(x, y)).toBe(E_.equals(y, x));
          if (E_.equals(x, y) && E_.equals(y, z)) expect(E_.equals(x, z)).toBe(true);
        }
        if (Eq.equals(x, y)) equalPairs++;
        // a rebuilt copy is equal; changing one leaf makes it unequal
        expect(Eq.equals(x, T.map((a: number) => a)(x))).toBe(true);
        if (T.size(x) > 0) expect(Eq.equals(x, T.map((a: number) => a + 1)(x))).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(equalPairs).toBeGreaterThan(20); // the transitivity branch really ran
  });

  test("leaf Eq, treeEqual options, and structure differences", () => {
    expect(EqN.equals({ a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
    expect(EqN.equals({ a: 1, b: [2] }, { a: 1, b: [2, 3] })).toBe(false);
    expect(EqN.equals({ a: 1 }, { b: 1 })).toBe(false);
    const mod3: Eq<number> = { equals: (p, q) => p % 3 === q % 3 };
    expect(T.getEq(mod3).equals([1, 2], [4, 5])).toBe(true);
    expect(T.getEq({ atol: 1e-3 }).equals([1], [1.0005])).toBe(true);
    expect(T.getEq().equals([1], [1.0005])).toBe(false);
    expect(T.getEq().equals([NaN], [NaN])).toBe(false);
    expect(T.getEq({ equalNan: true }).equals([NaN], [NaN])).toBe(true);
  });

  test("a tree the other functions refuse is refused, at its path, even compared with itself", () => {
    // eslint-disable-next-line no-sparse-arrays
    const holey = { a: [1, , 3] };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const E_ of [EqN, Eq]) {
      expect(() => E_.equals(holey, holey)).toThrow(/^the node at \.a has a hole at index 1/);
      expect(() => E_.equals(cyclic, cyclic)).toThrow(/^cyclic tree: .*reached again at \.self/);
    }
    const same = { a: [1, 2] };
    expect(EqN.equals(same, same)).toBe(true);
  });

  test("tensors compare by value; no tensor is created", () => {
    const a = { w: tf.tensor([1, 2]), b: tf.scalar(3) };
    const b = { b: tf.scalar(3), w: tf.tensor([1, 2]) };
    const c = { w: tf.tensor([1, 2.5]), b: tf.scalar(3) };
    const before = tf.memory().numTensors;
    expect(T.getEq().equals(a, b)).toBe(true);
    expect(T.getEq().equals(a, c)).toBe(false);
    expect(T.getEq({ atol: 0.6 }).equals(a, c)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...T.leaves(a), ...T.leaves(b), ...T.leaves(c)] as tf.Tensor[]);
  });

  test("Show renders with treeFormat", () => {
    const t = tf.zeros([3, 4]);
    expect(T.getShow().show({ w: t, b: null })).toBe("{ b: null, w: float32[3,4] }");
    expect(
      T.getShow({ width: 10 })
        .show({ a: [1, 2] })
        .split("\n").length,
    ).toBeGreaterThan(1);
    t.dispose();
  });
});
