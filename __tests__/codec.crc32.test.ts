import fc from "fast-check";
import * as zlib from "zlib";
import { crc32Update } from "../src/codec/crc32";

/** The textbook bitwise CRC-32, as an independent reference. */
function bitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test("the standard check value", () => {
  expect(crc32Update(0, new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  expect(crc32Update(0, new Uint8Array(0))).toBe(0);
});

test("matches the bitwise definition (and zlib when present), fed whole or in pieces", () => {
  const native = (zlib as any).crc32 as ((b: Uint8Array) => number) | undefined;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), (bytes, cut) => {
      const expected = bitwise(bytes);
      expect(crc32Update(0, bytes)).toBe(expected);
      if (native !== undefined) expect(native(bytes)).toBe(expected);
      const k = bytes.length === 0 ? 0 : cut % bytes.length;
      expect(crc32Update(crc32Update(0, bytes.subarray(0, k)), bytes.subarray(k))).toBe(expected);
    }),
  );
});

test("known vectors, and the word-at-a-time path at every alignment and length against the bitwise definition", () => {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  // Published CRC-32 (IEEE 802.3) values.
  expect(crc32Update(0, text("a"))).toBe(0xe8b7be43);
  expect(crc32Update(0, text("abc"))).toBe(0x352441c2);
  expect(crc32Update(0, text("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
  expect(crc32Update(0, new Uint8Array(32))).toBe(0x190a55ad);
  expect(crc32Update(0, new Uint8Array(32).fill(0xff))).toBe(0xff6cab0b);
  // Views starting at every offset modulo 4 and ending anywhere, long enough for the word path.
  const buffer = new Uint8Array(300);
  for (let i = 0; i < buffer.length; i++) buffer[i] = (i * 2654435761) >>> 24;
  for (let start = 0; start < 8; start++) {
    for (const length of [63, 64, 65, 71, 72, 100, 257, 291]) {
      const view = buffer.subarray(start, start + length);
      expect({ start, length, crc: crc32Update(0, view) }).toEqual({ start, length, crc: bitwise(view) });
    }
  }
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 64, maxLength: 600 }),
      fc.nat(7),
      fc.nat(),
      (bytes, start, cut) => {
        const view = bytes.subarray(Math.min(start, bytes.length));
        const expected = bitwise(view);
        expect(crc32Update(0, view)).toBe(expected);
        const k = view.length === 0 ? 0 : cut % view.length;
        expect(crc32Update(crc32Update(0, view.subarray(0, k)), view.subarray(k))).toBe(expected);
      },
    ),
  );
});
