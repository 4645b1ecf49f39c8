/**
 * The document format: its name, its version, and the tags it reserves.
 *
 * A document is `{ "format": "paramtree", "version": "1.0", "tree": ... }` (plus
 * `weightsManifest` when the tensor bytes live in a binary side file). The version is
 * `MAJOR.MINOR`: a minor bump only adds things an older reader refuses clearly where it meets
 * them, a major bump changes meaning, so a reader refuses any document whose major version is
 * newer than its own and keeps reading every older one it lists in {@link readableMajors}.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The value of a document's `format` field.
 *
 * @example
 * formatName; // "paramtree"
 */
export const formatName = "paramtree";

/**
 * The version this library writes for documents that need nothing newer, which every 1.x reader
 * reads.
 *
 * @example
 * formatVersion; // "1.0"
 */
export const formatVersion = "1.0";

/**
 * The version of documents that use what format 1.1 adds, written only when a document needs it:
 * `weightSpecsCrc32` beside a side file, and a `shared` index on the nodes of a tensor found at
 * several places of a self-contained document (tied weights come back as one tensor). A 1.0
 * reader refuses either field by name.
 *
 * @example
 * newestFormatVersion; // "1.1"
 */
export const newestFormatVersion = "1.1";

/**
 * The major versions this reader understands (every version so far).
 *
 * @example
 * readableMajors; // [1]
 */
export const readableMajors: readonly number[] = Object.freeze([1]);

/**
 * `_tag` values with a meaning of their own in documents; a registry used with the codec may
 * not register them.
 *
 * - `Tensor`: a tensor (`dtype`, `shape`, and `data` or `weight`; `shared`, an index, on every
 *   node of a tensor written inline at several places);
 * - `Number`: NaN, Infinity, -Infinity or -0, which JSON cannot write (`value` is that text);
 * - `Undefined`: `undefined`;
 * - `Function`: a function from the function table (`name`);
 * - `Object`: a plain data object that has a `_tag` key of its own (`fields`), escaped so that it
 *   is not read as a tagged node.
 *
 * @example
 * reservedTags.includes("Tensor"); // true
 */
export const reservedTags: readonly string[] = Object.freeze([
  "Tensor",
  "Number",
  "Undefined",
  "Function",
  "Object",
]);

/**
 * The JSON text of the numbers JSON cannot write.
 *
 * @example
 * specialNumberText(-0);  // "-0"
 * specialNumberText(1);   // undefined: an ordinary JSON number
 */
export function specialNumberText(x: number): "NaN" | "Infinity" | "-Infinity" | "-0" | undefined {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (Object.is(x, -0)) return "-0";
  return undefined;
}

/**
 * The number a `Number` node's `value` stands for, or `undefined` when it is not one of the four.
 *
 * @example
 * specialNumberValue("-Infinity"); // -Infinity
 * specialNumberValue("1");         // undefined
 */
export function specialNumberValue(text: unknown): number | undefined {
  switch (text) {
    case "NaN":
      return NaN;
    case "Infinity":
      return Infinity;
    case "-Infinity":
      return -Infinity;
    case "-0":
      return -0;
    default:
      return undefined;
  }
}

/**
 * Checks a document's `version` field; returns an error message, or `undefined` when this reader
 * can read it.
 *
 * @example
 * checkVersion("1.0"); // undefined
 * checkVersion("2.0"); // "the document has format version 2.0, newer than this reader understands (1.x); ..."
 */
export function checkVersion(version: unknown): string | undefined {
  const match =
    typeof version === "string" ? /^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$/.exec(version) : null;
  if (match === null) {
    return `expected a version string "MAJOR.MINOR" such as "${formatVersion}", got ${
      typeof version === "string" ? JSON.stringify(version.slice(0, 40)) : String(typeof version)
    }`;
  }
  const major = Number(match[1]);
  const newest = Math.max(...readableMajors);
  if (major > newest) {
    return (
      `the document has format version ${String(version)}, newer than this reader understands ` +
      `(${newest}.x); update paramtree to read it`
    );
  }
  if (!readableMajors.includes(major)) {
    return `format version ${String(version)} does not exist (this reader reads ${readableMajors.map((m) => `${m}.x`).join(", ")})`;
  }
  return undefined;
}
