/**
 * A value in a few words, for the engine's error messages (the engine knows nothing of tensors:
 * the codec has its own, richer one).
 *
 * @internal
 * @module
 */

/**
 * A short description of `value`: strings quoted (cut past 30 characters), objects by their
 * constructor's name, anything else as it prints.
 *
 * @example
 * describeValue("abc");     // '"abc"'
 * describeValue(new Map()); // "a Map"
 * describeValue({ a: 1 });  // "an object"
 * describeValue(3);         // "3"
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string")
    return JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value) && proto === Array.prototype) return `an array of length ${value.length}`;
    if (Array.isArray(value) && proto === null) return `an array with a null prototype`;
    if (!Array.isArray(value) && (proto === Object.prototype || proto === null)) return "an object";
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? `a ${name}` : "an instance of a class";
  }
  // A number, boolean, bigint or symbol here: each prints itself.
  return (value as { toString(): string }).toString();
}
