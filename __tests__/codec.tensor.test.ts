import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { formatDecodeErrors } from "../src";
import { maxTensorElements, tensorCodec } from "../src/advanced";
import { checkShape, decodeTensorFields, encodeTensor, tensorBytes } from "../src/codec/tensor";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

test("checkShape: sizes, located problems, no overflow", () => {
  expect(checkShape([])).toEqual({ size: 1 });
  expect(checkShape([2, 3, 4])).toEqual({ size: 24 });
  expect(checkShape([0, 2 ** 31 - 1])).toEqual({ size: 0 });
  expect(checkShape([3, -1, 0.5])).toEqual({
    problems: [
      { index: 1, message: "expected a dimension (an integer from 0 to 2147483647), got -1" },
      { index: 2, message: "expected a dimension (an integer from 0 to 2147483647), got 0.5" },
    ],
  });
  const huge = checkShape([2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20]);
  expect("problems" in huge && huge.problems[0]!.message).toMatch(`more than ${maxTensorElements} elements`);
  expect(checkShape([2 ** 16, 2 ** 15 - 1])).toEqual({ size: 2 ** 16 * (2 ** 15 - 1) });
  expect(checkShape("2")).toEqual({ problems: [{ message: 'expected an array of dimensions, got "2"' }] });
});

test("bytes are little-endian and exact for the three dtypes", () => {
  const f = tf.tensor([1, -2.5], [2], "float32");
  const i = tf.tensor([258, -1], [2], "int32");
  const b = tf.tensor([false, true], [2], "bool");
  const fv = new DataView(new ArrayBuffer(8));
  fv.setFloat32(0, 1, true);
  fv.setFloat32(4, -2.5, true);
  expect(Array.from(tensorBytes(f))).toEqual(Array.from(new Uint8Array(fv.buffer)));
  expect(Array.from(tensorBytes(i))).toEqual([2, 1, 0, 0, 255, 255, 255, 255]);
  expect(Array.from(tensorBytes(b))).toEqual([0, 1]);
  tf.dispose([f, i, b]);
});

test("a bool tensor made from odd bytes is written as 0/1", () => {
  const b = tf.tensor(new Uint8Array([0, 5]), [2], "bool");
  expect(Array.from(tensorBytes(b))).toEqual([0, 1]);
  b.dispose();
});

test("tensorCodec: encode and decode every supported dtype, including empty and scalar shapes", () => {
  const cases = [
    tf.tensor(
      [
        [1, NaN],
        [-0, Infinity],
      ],
      [2, 2],
      "float32",
    ),
    tf.tensor([7], [], "int32"),
    tf.tensor([], [0, 3], "float32"),
    tf.tensor([true, false, true], [3, 1], "bool"),
  ];
  for (const x of cases) {
    const json = encodeTensor(x);
    expect(json).toEqual(tensorCodec.encode(x));
    const back = tensorCodec.decode(JSON.parse(JSON.stringify(json)));
    expect(E.isRight(back)).toBe(true);
    if (E.isRight(back)) {
      expect(back.right.dtype).toBe(x.dtype);
      expect(back.right.shape).toEqual(x.shape);
      expect(Array.from(tensorBytes(back.right))).toEqual(Array.from(tensorBytes(x)));
      back.right.dispose();
    }
  }
  tf.dispose(cases);
});

test("complex64 and string tensors cannot be encoded", () => {
  const s = tf.tensor(["a"]);
  expect(() => encodeTensor(s)).toThrow(
    /string tensors cannot be serialized \(supported dtypes: float32, int32, bool\)/,
  );
  s.dispose();
});

test("tensorCodec: located problems, no tensor made on failure", () => {
  const r = tensorCodec.decode({ _tag: "Tensor", dtype: "int64", shape: [1, -2], data: 5, extra: 1 });
  expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([
    '<root>: unexpected field "extra" in a tensor node (expected _tag, dtype, shape, data)',
  ]);
  const r2 = tensorCodec.decode({ _tag: "Tensor", dtype: "int64", shape: [1, -2], data: 5 });
  expect(E.isLeft(r2) && formatDecodeErrors(r2.left)).toEqual([
    '.dtype: unsupported dtype "int64" (supported: float32, int32, bool)',
    ".shape[1]: expected a dimension (an integer from 0 to 2147483647), got -2",
    ".data: expected a base64 string, got 5",
  ]);
  expect(E.isLeft(tensorCodec.decode(null))).toBe(true);
});

test("decodeTensorFields compares the data length with the shape before allocating", () => {
  const r = decodeTensorFields("float32", [1e5, 1e4], "AAAA");
  expect(Array.isArray(r) && r[0]!.message).toMatch(
    /has 4000000000 bytes \(5333333336 base64 characters\), but the data has 4 characters/,
  );
});
