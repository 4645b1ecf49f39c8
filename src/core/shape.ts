/**
 * Object shapes: the own keys of a plain object in insertion order, with their sorted order.
 * Objects of one shape (every `{ weight, bias }` of a model) share one entry, so keys are sorted
 * once per shape rather than once per object, and the metas made for the shape (in `node.ts`) are
 * shared, which makes comparing structures mostly pointer comparisons.
 *
 * @internal
 * @module
 */

export interface Shape {
  /** Own keys in insertion order (what `Object.keys` returns). */
  readonly insertion: readonly string[];
  readonly sorted: readonly string[];
  readonly order: readonly number[] | null;
  /** Whether `_tag` is among the keys: only then can an object of this shape be a record. */
  readonly hasTag: boolean;
  /** Per child, the two shapes that child had most recently (guesses that save a lookup). Mutable. */
  readonly hints: (Shape | undefined)[];
  /** Metas by `nullProto * 2 + frozen`, made on first use. */
  readonly metas: unknown[];
}

/** Shapes by first key, bounded so that objects used as big dictionaries cannot grow it forever. */
const shapes = new Map<string, Shape[]>();
let cachedShapes = 0;
const MAX_SHAPES = 4096;
const MAX_SHAPE_KEYS = 64;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makeShape(keys: readonly string[]): Shape {
  const n = keys.length;
  let isSorted = true;
  for (let i = 1; i < n && isSorted; i++) if ((keys[i - 1] as string) > (keys[i] as string)) isSorted = false;
  let sorted = keys;
  let order: number[] | null = null;
  if (!isSorted) {
    const byName = keys.map((_, i) => i).sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
    order = new Array<number>(n);
    for (let j = 0; j < n; j++) order[byName[j] as number] = j;
    sorted = byName.map((i) => keys[i] as string);
  }
  return {
    insertion: Object.freeze(keys.slice()),
    sorted: Object.freeze(sorted.slice()),
    order: order === null ? null : Object.freeze(order),
    hasTag: keys.includes("_tag"),
    hints: new Array<Shape | undefined>(2 * n).fill(undefined),
    metas: [undefined, undefined, undefined, undefined],
  };
}

export function shapeOf(keys: string[]): Shape {
  if (keys.length > MAX_SHAPE_KEYS) return makeShape(keys);
  const first = keys.length === 0 ? "" : (keys[0] as string);
  let bucket = shapes.get(first);
  if (bucket !== undefined) {
    for (let b = 0; b < bucket.length; b++) {
      const shape = bucket[b] as Shape;
      if (sameKeys(shape.insertion, keys)) return shape;
    }
  }
  const shape = makeShape(keys);
  if (cachedShapes < MAX_SHAPES) {
    if (bucket === undefined) shapes.set(first, (bucket = []));
    bucket.push(shape);
    cachedShapes++;
  }
  return shape;
}
