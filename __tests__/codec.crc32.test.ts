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
