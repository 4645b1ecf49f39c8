/**
 * Key paths: where a node sits in a tree, as the list of keys that reach it from the root.
 *
 * An array child is reached by its index (a number); an object property or a registered record's
 * child field by its name (a string). `keystr` renders a path for people (`.layers[0].weight`) or
 * for tfjs weight names (`layers/0/weight`).
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One step from a node to a child: an array index or a property name. */
export type Key = string | number;

/**
 * The keys from the root to a node; the root's path is `[]`.
 *
 * @example
 * const path: KeyPath = ["layers", 0, "weight"];
 */
export type KeyPath = readonly Key[];

/** Options of {@link keystr}. */
export interface KeystrOptions {
  /** When set, keys are joined with it and no brackets or dots are added (`"/"` gives `a/0/b`). */
  readonly separator?: string;
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Renders a key path. By default it reads as a JavaScript accessor: identifiers as `.name`, array
 * indices as `[0]`, and any other property name quoted as `["odd key"]`; the root is `""`.
 *
 * @example
 * keystr(["layers", 0, "weight"]);                     // ".layers[0].weight"
 * keystr(["odd key", 1]);                              // '["odd key"][1]'
 * keystr(["layers", 0, "weight"], { separator: "/" }); // "layers/0/weight"
 */
export function keystr(path: KeyPath, options?: KeystrOptions): string {
  const separator = options?.separator;
  if (separator !== undefined) return path.map(String).join(separator);
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (identifier.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** How many keys an error message shows at each end of a long path. */
const shownEndKeys = 20;

/**
 * A path rendered for error messages: `keystr`, or `<root>` for the empty path. A message stays
 * readable whatever the tree: a path of more than 50 keys shows its first and last 20 keys with
 * the count of those left out between, `…(N keys)…`, and a key of more than 120 characters is
 * quoted as {@link quoteForMessage} quotes it. The error's own `path` (where it has one) keeps
 * every key.
 *
 * @example
 * describePath([]);        // "<root>"
 * describePath(["a", 0]);  // ".a[0]"
 * describePath(Array(51).fill(0)).includes("[0][0]…(11 keys)…[0][0]"); // true
 */
export function describePath(path: KeyPath): string {
  if (path.length === 0) return "<root>";
  if (path.length <= 50) return keysForMessage(path);
  const head = keysForMessage(path.slice(0, shownEndKeys));
  const tail = keysForMessage(path.slice(path.length - shownEndKeys));
  return `${head}…(${path.length - 2 * shownEndKeys} keys)…${tail}`;
}

/**
 * A string quoted for an error message (`JSON.stringify`), its middle left out past 120
 * characters: a key or a weight name can be megabytes long in a hostile tree.
 *
 * @example
 * quoteForMessage("w"); // '"w"'
 * quoteForMessage("x".repeat(200)).length; // 122
 */
export function quoteForMessage(text: string): string {
  if (text.length <= 120) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, 60))}…(${text.length - 100} characters)…${JSON.stringify(text.slice(-40))}`;
}

/** `keystr` with keys over 120 characters quoted by `quoteForMessage`. */
function keysForMessage(path: KeyPath): string {
  let long = false;
  for (const key of path) if (typeof key === "string" && key.length > 120) long = true;
  if (!long) return keystr(path);
  let out = "";
  for (const key of path) {
    out += typeof key === "string" && key.length > 120 ? `[${quoteForMessage(key)}]` : keystr([key]);
  }
  return out;
}
