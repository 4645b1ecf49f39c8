import fc from "fast-check";
import * as E from "fp-ts/Either";
import { formatDecodeErrors, treeCodec } from "../src";
import {
  base64ByteLength,
  base64Length,
  checkBase64,
  decodeBase64Into,
  encodeBase64,
  isBase64Run,
} from "../src/codec/base64";

const reference = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

test("RFC 4648 test vectors", () => {
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [plain, encoded] of vectors) {
    const bytes = new TextEncoder().encode(plain);
    expect(encodeBase64(bytes)).toBe(encoded);
    const out = new Uint8Array(base64ByteLength(encoded));
    expect(decodeBase64Into(encoded, out)).toBeUndefined();
    expect(new TextDecoder().decode(out)).toBe(plain);
  }
});

test("encode matches Buffer, with and without Buffer; decode inverts it", () => {
  const B = (globalThis as any).Buffer;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const expected = reference(bytes);
      expect(encodeBase64(bytes)).toBe(expected);
      (globalThis as any).Buffer = undefined; // the portable path
      try {
        expect(encodeBase64(bytes)).toBe(expected);
      } finally {
        (globalThis as any).Buffer = B;
      }
      expect(base64Length(bytes.length)).toBe(expected.length);
      expect(base64ByteLength(expected)).toBe(bytes.length);
      const out = new Uint8Array(bytes.length);
      expect(decodeBase64Into(expected, out)).toBeUndefined();
      expect(Array.from(out)).toEqual(Array.from(bytes));
    }),
  );
});

test("encodes a view at an offset, not the whole buffer", () => {
  const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
  expect(encodeBase64(whole.subarray(2, 5))).toBe(reference(new Uint8Array([1, 2, 3])));
});

test("strict: characters outside the alphabet, bad padding and bad lengths are refused", () => {
  const out4 = new Uint8Array(4);
  expect(decodeBase64Into("AA*APw==", out4)).toBe('invalid base64 character "*" at position 2');
  expect(decodeBase64Into("AACAP\u00e9==", out4)).toMatch(/invalid base64 character "é" at position 5/);
  expect(decodeBase64Into("AA CPw==", out4)).toBe('invalid base64 character " " at position 2');
  expect(decodeBase64Into("AACAPw=", out4)).toMatch(/length 7 is not a multiple of 4/);
  expect(decodeBase64Into("AA=APw==", out4)).toMatch(/invalid base64/);
  expect(decodeBase64Into("AACAPw==", new Uint8Array(3))).toMatch(/it holds 4 bytes, expected 3/);
  // Buffer would silently skip the bad character; we do not.
  expect(Buffer.from("AA*APw==", "base64").length).toBeGreaterThan(0);
});

test("checkBase64 agrees with decodeBase64Into on any text, without decoding", () => {
  const alphabetish = fc.string({ unit: fc.constantFrom(..."AB+/=z9*- \u00e9".split("")), maxLength: 16 });
  fc.assert(
    fc.property(alphabetish, (text) => {
      const n = text.length % 4 === 0 ? base64ByteLength(text) : 0;
      const decoded = decodeBase64Into(text, new Uint8Array(Math.max(0, n)));
      const checked = checkBase64(text);
      if (n < 0) expect(checked).toBeDefined();
      else expect(checked).toBe(decoded);
    }),
  );
});

describe("long texts (4096 characters and more: Node's decoder after a check of every character)", () => {
  const long = fc.uint8Array({ minLength: 3072, maxLength: 6000 });

  test("decode like the reference, checked by the decoder or by the caller", () => {
    fc.assert(
      fc.property(long, (bytes) => {
        const text = reference(bytes);
        expect(text.length).toBeGreaterThanOrEqual(4096);
        for (const checked of [false, true]) {
          const out = new Uint8Array(bytes.length);
          expect(decodeBase64Into(text, out, checked)).toBeUndefined();
          expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  test("a bad character anywhere is found and named, as in short texts", () => {
    fc.assert(
      fc.property(
        long,
        fc.nat(),
        fc.constantFrom("*", "-", "_", " ", "\n", "\u0000", "\u00c1", "\u0141", "\uffff"),
        (bytes, at, bad) => {
          const text = reference(bytes);
          const i = at % (text.length - 4); // not in the last quad, where "=" may be
          const broken = text.slice(0, i) + bad + text.slice(i + 1);
          const out = new Uint8Array(bytes.length);
          expect(decodeBase64Into(broken, out)).toBe(
            `invalid base64 character ${JSON.stringify(bad)} at position ${i}`,
          );
          expect(checkBase64(broken)).toBe(
            `invalid base64 character ${JSON.stringify(bad)} at position ${i}`,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test("an = inside the text is refused", () => {
    const text = reference(new Uint8Array(4000).fill(7));
    const broken = `${text.slice(0, 100)}=${text.slice(101)}`;
    expect(decodeBase64Into(broken, new Uint8Array(4000))).toMatch(/^invalid base64/);
  });
});

test("isBase64Run agrees with a regular expression, for any UTF-16 text and range", () => {
  // "\u0141" and "\u0161" share their low byte with "A" and "a": the lookup must not alias them.
  const chars = fc.constantFrom(
    "A",
    "z",
    "0",
    "+",
    "/",
    "=",
    "*",
    "\u0141",
    "\u0161",
    "\u00e9",
    "\ud83d",
    " ",
  );
  const wellFormed = /^[A-Za-z0-9+/]*={0,2}$/;
  fc.assert(
    fc.property(
      fc.array(chars, { maxLength: 40 }).map((a) => a.join("")),
      fc.nat(),
      fc.nat(),
      (text, x, y) => {
        const start = text.length === 0 ? 0 : x % (text.length + 1);
        const end = start + (y % (text.length - start + 1));
        expect(isBase64Run(text, start, end)).toBe(wellFormed.test(text.slice(start, end)));
      },
    ),
    { numRuns: 2000 },
  );
});

describe("canonical base64 only", () => {
  test("non-zero padding bits are refused, with the position and the canonical character", () => {
    expect(checkBase64("AB==")).toBe(
      'non-canonical base64: the character "B" at position 1 has non-zero padding bits (canonical base64 writes "A" there)',
    );
    expect(decodeBase64Into("AAB=", new Uint8Array(2))).toBe(
      'non-canonical base64: the character "B" at position 2 has non-zero padding bits (canonical base64 writes "A" there)',
    );
    expect(checkBase64("AAAAAR==")).toBe(
      'non-canonical base64: the character "R" at position 5 has non-zero padding bits (canonical base64 writes "Q" there)',
    );
    expect(checkBase64("AA==")).toBeUndefined();
    expect(checkBase64("AAE=")).toBeUndefined();
  });

  test("every byte string has exactly one accepted text (all 1- and 2-byte tails)", () => {
    for (let b = 0; b < 256; b++) {
      const one = encodeBase64(Uint8Array.of(b));
      const two = encodeBase64(Uint8Array.of(7, b));
      expect(checkBase64(one)).toBeUndefined();
      expect(checkBase64(two)).toBeUndefined();
      // Each other low-bit pattern of the last character is refused.
      for (let low = 1; low < 16; low++) {
        const v = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(
          one[1] as string,
        );
        const alt = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[v | low] as string;
        if ((v | low) !== v) expect(checkBase64(`${one[0]}${alt}==`)).toMatch(/^non-canonical base64/);
      }
    }
  });

  test("a document with non-canonical data: the key path and the exact text", () => {
    const r = treeCodec().decode({
      format: "paramtree",
      version: "1.0",
      tree: { mask: { _tag: "Tensor", dtype: "bool", shape: [1], data: "AB==" } },
    });
    expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([
      '.mask.data: non-canonical base64: the character "B" at position 1 has non-zero padding bits (canonical base64 writes "A" there)',
    ]);
  });
});
