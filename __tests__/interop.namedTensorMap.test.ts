import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import {
  defaultRegistry,
  fromNamedTensorMap,
  initBackend,
  mapNodeType,
  registerNodeType,
  keystr,
  Parameterize,
  toNamedTensorMap,
  treeFlattenWithPath,
} from "../src";

beforeAll(async () => {
  await initBackend();
});

/** Runs `f` and checks that it left no tensor behind. */
function noLeak(f: () => void): void {
  const before = tf.memory().numTensors;
  f();
  expect(tf.memory().numTensors).toBe(before);
}

describe("fromNamedTensorMap", () => {
  test("nests by the /-separated segments and holds the map's own tensors", () =>
    noLeak(() => {
      const k = tf.ones([2, 3]);
      const b = tf.zeros([3]);
      const o = tf.scalar(7);
      const tree = fromNamedTensorMap({ "dense/kernel": k, "dense/bias": b, "out/0/w": o }) as {
        dense: { kernel: tf.Tensor; bias: tf.Tensor };
        out: { "0": { w: tf.Tensor } };
      };
      expect(tree.dense.kernel).toBe(k);
      expect(tree.dense.bias).toBe(b);
      expect(tree.out["0"].w).toBe(o); // numeric segments are object keys
      tf.dispose([k, b, o]);
    }));

  test("the inverse of keystr(path, { separator: '/' }) on every leaf", () =>
    noLeak(() => {
      const a = tf.scalar(1);
      const c = tf.scalar(2);
      const tree = fromNamedTensorMap({ "x/y/z": a, "x/w": c });
      const [pairs] = treeFlattenWithPath(tree);
      expect(pairs.map(([p, l]) => [keystr(p, { separator: "/" }), l])).toEqual([
        ["x/w", c],
        ["x/y/z", a],
      ]);
      tf.dispose([a, c]);
    }));

  test("refuses conflicting names, naming both", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      expect(() => fromNamedTensorMap({ dense: t, "dense/kernel": t })).toThrow(
        'fromNamedTensorMap: the weights "dense" and "dense/kernel" conflict: the first is a tensor, the second needs it to hold weights',
      );
      // Sorted, so "a/b/c" comes before "a/b": the folder was made first.
      expect(() => fromNamedTensorMap({ "a/b": t, "a/b/c": t })).toThrow(/"a\/b" and "a\/b\/c" conflict/);
      t.dispose();
    }));

  test("refuses empty segments, non-tensors and an empty separator", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      expect(() => fromNamedTensorMap({ "a//b": t })).toThrow(
        'fromNamedTensorMap: the weight name "a//b" has an empty segment (separator "/")',
      );
      expect(() => fromNamedTensorMap({ "/a": t })).toThrow(
        'fromNamedTensorMap: the weight name "/a" has an empty segment (separator "/")',
      );
      expect(() => fromNamedTensorMap({ "": t })).toThrow(
        'fromNamedTensorMap: the weight name "" has an empty segment (separator "/")',
      );
      expect(() => fromNamedTensorMap({ 'say "hi"': t, a: 3 as unknown as tf.Tensor })).toThrow(
        'fromNamedTensorMap: the weight "a" is number 3, not a tensor',
      );
      expect(() => fromNamedTensorMap({ 'say "hi"//': t })).toThrow(
        'fromNamedTensorMap: the weight name "say \\"hi\\"//" has an empty segment (separator "/")',
      );
      expect(() => fromNamedTensorMap({ a: t }, { separator: "" })).toThrow(
        "fromNamedTensorMap: the separator must be a non-empty string, got an empty string",
      );
      expect(() => fromNamedTensorMap({ a: t }, { separator: 1 as unknown as string })).toThrow(
        "fromNamedTensorMap: the separator must be a non-empty string, got number 1",
      );
      t.dispose();
    }));

  test("refuses what is not a plain object of tensors with a TypeError saying what it got", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      const expected =
        "fromNamedTensorMap: expected a NamedTensorMap (a plain object of weight names to tensors), got";
      const cases: [unknown, string][] = [
        [null, "null"],
        [undefined, "undefined"],
        [3, "number 3"],
        ["ab", "string ab"],
        [[t], "an array of length 1"],
        [new Map([["a", t]]), "a Map (pass Object.fromEntries(map))"],
        [Object.create({ a: t }) as unknown, "an instance of Object"],
        [t, "a float32 tensor of shape []"],
      ];
      for (const [input, got] of cases) {
        let thrown: unknown;
        try {
          fromNamedTensorMap(input as tf.NamedTensorMap);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(TypeError);
        expect((thrown as Error).message).toBe(`${expected} ${got}`);
      }
      // A null-prototype object is a map like any other.
      const bare = Object.create(null) as Record<string, tf.Tensor>;
      bare["a/b"] = t;
      expect((fromNamedTensorMap(bare) as { a: { b: tf.Tensor } }).a.b).toBe(t);
      expect(() => fromNamedTensorMap({ a: t, b: { c: t } as unknown as tf.Tensor })).toThrow(
        'fromNamedTensorMap: the weight "b" is a plain object, not a tensor',
      );
      t.dispose();
    }));

  test("a long weight name is shown with its middle elided, so a message stays short", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      const name = `${"layer/".repeat(100_000)}/w`; // 600,002 characters
      let message = "";
      try {
        fromNamedTensorMap({ [name]: t });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe(
        `fromNamedTensorMap: the weight name "${"layer/".repeat(10)}"…(599902 characters)…"r/${"layer/".repeat(6)}/w" has an empty segment (separator "/")`,
      );
      t.dispose();
    }));

  test("__proto__ and constructor stay ordinary keys; the input is not mutated", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      const map = JSON.parse('{"__proto__/x": 0, "constructor": 0}') as Record<string, unknown>;
      map["__proto__/x"] = t;
      map["constructor"] = t;
      const copy = { ...map };
      const tree = fromNamedTensorMap(map as tf.NamedTensorMap) as Record<string, unknown>;
      expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
      expect(Object.keys(tree).sort()).toEqual(["__proto__", "constructor"]);
      expect(Object.keys(toNamedTensorMap(tree)).sort()).toEqual(["__proto__/x", "constructor"]);
      expect(map).toEqual(copy);
      t.dispose();
    }));

  test("a custom separator", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      const tree = fromNamedTensorMap({ "a.b": t }, { separator: "." }) as { a: { b: tf.Tensor } };
      expect(tree.a.b).toBe(t);
      expect(Object.keys(toNamedTensorMap(tree, { separator: "." }))).toEqual(["a.b"]);
      t.dispose();
    }));
});

describe("toNamedTensorMap", () => {
  test("names each tensor by its key path, arrays by index", () =>
    noLeak(() => {
      const a = tf.scalar(1);
      const b = tf.scalar(2);
      const map = toNamedTensorMap({ layers: [{ w: a }, { w: b }] });
      expect(map).toEqual({ "layers/0/w": a, "layers/1/w": b });
      expect(map["layers/1/w"]).toBe(b);
      tf.dispose([a, b]);
    }));

  test("refuses wrappers, non-tensors, keys with the separator, and duplicate names, with the path", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      expect(() => toNamedTensorMap({ a: [t, Parameterize(tf.exp, t)] })).toThrow(
        "toNamedTensorMap: at .a[1] there is a wrapper (Parameterize); unwrap the tree first",
      );
      expect(() => toNamedTensorMap({ a: { b: 3 } })).toThrow(/at \.a\.b there is .*3.*, not a tensor/);
      expect(() => toNamedTensorMap({ a: { "b/c": t } })).toThrow(
        'toNamedTensorMap: at .a["b/c"] the key "b/c" contains the separator "/", so the name "a/b/c" would read back as another path',
      );
      expect(() => toNamedTensorMap({ "": t })).toThrow(
        'toNamedTensorMap: at [""] a key is empty, so the name "" would not read back as this path (empty segments are refused)',
      );
      expect(() => toNamedTensorMap({ a: { "": t } })).toThrow(
        'toNamedTensorMap: at .a[""] a key is empty, so the name "a/" would not read back as this path (empty segments are refused)',
      );
      expect(() => toNamedTensorMap({ a: { "x.y": t } }, { separator: "." })).toThrow(
        'toNamedTensorMap: at .a["x.y"] the key "x.y" contains the separator ".", so the name "a.x.y" would read back as another path',
      );
      expect(() => toNamedTensorMap({ a: t }, { separator: "" })).toThrow(
        "toNamedTensorMap: the separator must be a non-empty string, got an empty string",
      );
      // A Map node may hold both 0 and "0": two paths, one name.
      const registry = registerNodeType(defaultRegistry, mapNodeType);
      expect(() =>
        toNamedTensorMap(
          {
            m: new Map<unknown, unknown>([
              [0, t],
              ["0", t],
            ]),
          },
          { registry },
        ),
      ).toThrow('toNamedTensorMap: .m[0] and .m["0"] both give the name "m/0"');
      t.dispose();
    }));

  test("a node with an accessor _tag is refused at its path, and its getter never runs", () =>
    noLeak(() => {
      let calls = 0;
      const sneaky = Object.defineProperty({ args: [] as unknown[] }, "_tag", {
        get: () => {
          calls++;
          return "Parameterize";
        },
        enumerable: true,
      });
      const w = tf.scalar(1);
      expect(() => toNamedTensorMap({ w, a: sneaky })).toThrow(
        /^the node at \.a has an accessor property "_tag"/,
      );
      expect(calls).toBe(0);
      w.dispose();
    }));

  test("in a deep tree the name and the key path in the message are elided (the path by describePath)", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      let tree: unknown = { "": t };
      for (let i = 0; i < 50; i++) tree = { abc: tree };
      expect(() => toNamedTensorMap(tree)).toThrow(
        `toNamedTensorMap: at ${".abc".repeat(20)}…(11 keys)…${".abc".repeat(19)}[""] a key is empty, so the name "${"abc/".repeat(15)}"…(100 characters)…"${"abc/".repeat(10)}" would not read back as this path (empty segments are refused)`,
      );
      t.dispose();
    }));

  test("refuses a tensor at the root, whose name would be empty (fromNamedTensorMap refuses it)", () =>
    noLeak(() => {
      const t = tf.scalar(1);
      expect(() => toNamedTensorMap(t)).toThrow(
        "toNamedTensorMap: the tree is a single tensor, whose name would be empty (a name is the key path); put it under a key, e.g. { weight: tensor }",
      );
      expect(() => fromNamedTensorMap({ "": t })).toThrow(/empty segment/);
      t.dispose();
    }));
});

describe("laws", () => {
  const segment = fc.constantFrom("a", "b", "dense", "kernel", "0", "1", "__proto__", "x y");
  const names = fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 4 }), {
    maxLength: 8,
    selector: (s) => s.join("/"),
  });

  test("toNamedTensorMap(fromNamedTensorMap(m)) is m (same names, same tensors) when the names do not conflict", () => {
    fc.assert(
      fc.property(names, (paths) => {
        const joined = paths.map((p) => p.join("/"));
        const conflict = joined.some((n) => joined.some((m) => m.startsWith(`${n}/`)));
        const before = tf.memory().numTensors;
        const map: tf.NamedTensorMap = {};
        joined.forEach((n, i) => {
          Object.defineProperty(map, n, { value: tf.scalar(i), enumerable: true });
        });
        try {
          if (conflict) {
            expect(() => fromNamedTensorMap(map)).toThrow(/conflict/);
          } else {
            const back = toNamedTensorMap(fromNamedTensorMap(map));
            expect(Object.keys(back).sort()).toEqual([...joined].sort());
            for (const n of joined) expect(back[n]).toBe(map[n]);
          }
        } finally {
          tf.dispose(Object.values(map));
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
    );
  });
});
