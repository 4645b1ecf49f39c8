/**
 * Records that carry their own spec: a record made by a wrapper's own constructor (`defineWrapper`)
 * is a node of every tree function without any registry entry for its tag. The registry is asked
 * first, so an entry for the same tag overrides the record's own spec.
 *
 * How the engine knows such a record: by identity, in a module-private `WeakMap` from record to
 * spec, filled by the constructor (and by every rebuild of such a record: `treeMap`, `treeAt`,
 * `partition`, the codec's decode). Nothing is stored on the record itself (a symbol-keyed
 * property would break the node rules), so a hand-written object with the same `_tag` stays
 * ordinary data unless a registry names the tag. The classifier consults the map only for a
 * plain object with a string `_tag` the registry does not know, and only once some record has
 * been marked (`anyMarked`), so trees without such records pay nothing.
 *
 * @internal
 * @module
 */
/** A record spec (`registry.ts`'s `RecordSpec`, named here structurally: that module imports this one). */
interface RecordSpec {
  readonly tag: string;
  readonly children: readonly string[];
}

/** The spec of each record made by a constructor that carries one. */
const specOfRecord = new WeakMap<object, RecordSpec>();
/** The specs that records carry (a registry may hold the same spec object: see `registerRecord`). */
const carriedSpecs = new WeakSet<RecordSpec>();

/** Whether any record was ever marked: until then the classifier does not look at the map. */
export const marks = { any: false };

/** Declares `spec` a spec that records carry (its records are marked as they are made). */
export function markCarriedSpec(spec: RecordSpec): void {
  carriedSpecs.add(spec);
}

/** Whether records made or rebuilt under `spec` carry it. */
export function isCarriedSpec(spec: unknown): boolean {
  return typeof spec === "object" && spec !== null && carriedSpecs.has(spec as RecordSpec);
}

/** Marks `record` as carrying `spec` (a carried spec). */
export function markRecord(record: object, spec: RecordSpec): void {
  marks.any = true;
  specOfRecord.set(record, spec);
}

/** The spec `node` carries, if it was made by a constructor that marks its records. */
export function ownSpecOf(node: object): RecordSpec | undefined {
  return marks.any ? specOfRecord.get(node) : undefined;
}
