/**
 * Strict base64 (RFC 4648, standard alphabet, `=` padding), for tensor bytes inside JSON.
 *
 * Node's `Buffer.from(text, "base64")` silently skips characters that are not base64, so a
 * corrupted document would decode to the wrong bytes instead of failing. This module validates
 * every character, and it decodes straight into a caller-supplied buffer so that a tensor's bytes
 * land in a correctly aligned `Float32Array`/`Int32Array` without an extra copy. It needs no
 * `Buffer` (so it also runs in browsers); when `Buffer` exists, encoding uses it for speed.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Character code -> 6-bit value, or -1 for characters outside the alphabet. It covers every
 * UTF-16 code unit (64 KiB), so a lookup needs no range check: the loops below stay free of
 * branches that random base64 would mispredict.
 */
const values: Int8Array = (() => {
  const table = new Int8Array(65536).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The length of the base64 text of `byteLength` bytes (with padding).
 *
 * @example
 * base64Length(0); // 0
 * base64Length(4); // 8
 */
export function base64Length(byteLength: number): number {
  return 4 * Math.ceil(byteLength / 3);
}

/**
 * How many bytes the padded base64 `text` holds, assuming it is well formed: computed from the
 * length and the padding alone, so a caller can compare it with what it expects before decoding.
 *
 * @example
 * base64ByteLength("AAAAAA=="); // 4
 */
export function base64ByteLength(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return (n / 4) * 3 - pad;
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The base64 text of `bytes`.
 *
 * @example
 * encodeBase64(new Uint8Array([0, 0, 128, 63])); // "AACAPw==" (the float32 1.0, little-endian)
 */
export function encodeBase64(bytes: Uint8Array): string {
  const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (B !== undefined) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  const chunks: string[] = [];
  const chunk = new Array<number>();
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    chunk.push(
      alphabet.charCodeAt(v >>> 18),
      alphabet.charCodeAt((v >>> 12) & 63),
      alphabet.charCodeAt((v >>> 6) & 63),
      alphabet.charCodeAt(v & 63),
    );
    if (chunk.length >= 8192) {
      chunks.push(String.fromCharCode(...chunk));
      chunk.length = 0;
    }
  }
  if (i < n) {
    const b0 = bytes[i] as number;
    const b1 = i + 1 < n ? (bytes[i + 1] as number) : 0;
    const v = (b0 << 16) | (b1 << 8);
    chunk.push(alphabet.charCodeAt(v >>> 18), alphabet.charCodeAt((v >>> 12) & 63));
    chunk.push(i + 1 < n ? alphabet.charCodeAt((v >>> 6) & 63) : 61, 61);
  }
  chunks.push(String.fromCharCode(...chunk));
  return chunks.join("");
}

/**
 * Decodes padded base64 `text` into `out`, which must have exactly
 * `base64ByteLength(text)` bytes. Returns `undefined` on success, or a message naming the first
 * offending character position; `out` may then be partly written. `checked` says that the
 * caller has already run {@link isBase64Run} over the whole text (the decoder then skips it).
 *
 * @example
 * const out = new Uint8Array(4);
 * decodeBase64Into("AACAPw==", out); // undefined: out is [0, 0, 128, 63]
 * decodeBase64Into("AA*APw==", out); // 'invalid base64 character "*" at position 2'
 */
export function decodeBase64Into(text: string, out: Uint8Array, checked = false): string | undefined {
  const n = text.length;
  if (n % 4 !== 0) return `invalid base64: the length ${n} is not a multiple of 4`;
  const expected = base64ByteLength(text);
  if (out.length !== expected) return `invalid base64: it holds ${expected} bytes, expected ${out.length}`;
  if (n >= nativeDecodeFrom && nativeDecode(text, out, checked)) return paddingBitsProblem(text);
  const pad = n === 0 ? 0 : text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const full = n - (pad > 0 ? 4 : 0); // characters in complete, unpadded quads
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = charValue(text, i);
    const b = charValue(text, i + 1);
    const c = charValue(text, i + 2);
    const d = charValue(text, i + 3);
    if ((a | b | c | d) < 0) return badCharacter(text, i);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (pad > 0) {
    const a = charValue(text, full);
    const b = charValue(text, full + 1);
    const c = pad === 1 ? charValue(text, full + 2) : 0;
    if ((a | b | c) < 0) return badCharacter(text, full);
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >>> 16;
    if (pad === 1) out[o] = (v >>> 8) & 255;
  }
  return paddingBitsProblem(text);
}

/**
 * Checks that padded base64 `text` is well formed, without decoding or allocating anything.
 * Returns `undefined` or the same message {@link decodeBase64Into} would give.
 *
 * @example
 * checkBase64("AACAPw=="); // undefined
 * checkBase64("AA*APw=="); // 'invalid base64 character "*" at position 2'
 */
export function checkBase64(text: string): string | undefined {
  const n = text.length;
  if (n % 4 !== 0) return `invalid base64: the length ${n} is not a multiple of 4`;
  if (isBase64Run(text, 0, n)) return paddingBitsProblem(text);
  const pad = n === 0 ? 0 : text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const end = n - pad;
  for (let i = 0; i < end; i++) if (charValue(text, i) < 0) return badCharacter(text, Math.floor(i / 4) * 4);
  return paddingBitsProblem(text);
}

/**
 * Canonical base64 only: before `=` padding, the last character's unused low bits must be zero
 * (`"AB=="` and `"AA=="` would both be the byte 0; only `"AA=="` is accepted), so one byte
 * sequence has one text.
 */
function paddingBitsProblem(text: string): string | undefined {
  const n = text.length;
  const pad = n === 0 ? 0 : text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (pad === 0 || n < 4) return undefined;
  const at = n - pad - 1;
  const v = charValue(text, at);
  if (v < 0 || (v & (pad === 2 ? 15 : 3)) === 0) return undefined;
  const canonical = alphabet[v & (pad === 2 ? 48 : 60)] as string;
  return (
    `non-canonical base64: the character ${JSON.stringify(text[at])} at position ${at} has non-zero ` +
    `padding bits (canonical base64 writes ${JSON.stringify(canonical)} there)`
  );
}

/**
 * Whether `text` from `start` to `end` is base64 characters followed by at most two `=`: the
 * characters the strict decoder accepts (it also wants a length that is a multiple of 4, which
 * this does not check). One branch-free pass, about 1 ns per character.
 *
 * @example
 * isBase64Run("AACAPw==", 0, 8); // true
 * isBase64Run("AA*APw==", 0, 8); // false
 */
export function isBase64Run(text: string, start: number, end: number): boolean {
  let e = end;
  if (e > start && text.charCodeAt(e - 1) === 61) e--;
  if (e > start && text.charCodeAt(e - 1) === 61) e--;
  let acc = 0;
  let i = start;
  for (; i + 3 < e; i += 4) {
    acc |=
      (values[text.charCodeAt(i)] as number) |
      (values[text.charCodeAt(i + 1)] as number) |
      (values[text.charCodeAt(i + 2)] as number) |
      (values[text.charCodeAt(i + 3)] as number);
  }
  for (; i < e; i++) acc |= values[text.charCodeAt(i)] as number;
  return acc >= 0;
}

/** Text this long or longer is decoded by Node's `Buffer` when it can (below, the JS loop is as fast). */
const nativeDecodeFrom = 4096;

/**
 * Decodes with Node's native decoder (about 20x faster than the loop of
 * {@link decodeBase64Into}) after checking every character with {@link isBase64Run} unless the
 * caller did (Node's decoder would skip bad characters). Returns false (the caller's loop then
 * decodes, or finds and names the bad character) when there is no `Buffer`, a character is bad,
 * or the decoder wrote an unexpected number of bytes. The caller has checked the length.
 */
function nativeDecode(text: string, out: Uint8Array, checked: boolean): boolean {
  const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (B === undefined || !(checked || isBase64Run(text, 0, text.length))) return false;
  return B.from(out.buffer, out.byteOffset, out.byteLength).write(text, "base64") === out.length;
}

function charValue(text: string, i: number): number {
  return values[text.charCodeAt(i)] as number;
}

function badCharacter(text: string, from: number): string {
  for (let i = from; i < text.length; i++) {
    if (charValue(text, i) < 0 && !(text[i] === "=" && i >= text.length - 2)) {
      return `invalid base64 character ${JSON.stringify(text[i])} at position ${i}`;
    }
  }
  return `invalid base64 padding near position ${from}`;
}
