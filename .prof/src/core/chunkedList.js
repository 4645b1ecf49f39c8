"use strict";
/**
 * An append-only list stored in chunks of 8,192 values.
 *
 * Why: the flatten passes collect leaves and nodes, and the map pass logs every result (so that a
 * redo on the explicit stack reuses them instead of calling `f` twice). A single array grown by
 * `push` past ~3 * 10^4 values lives in V8's large-object space, where every growth copies it into
 * freshly mapped memory: on the benchmark machine each `push` then cost 10-20x what it costs on a
 * small array, and the per-node time of `treeMap` and `treeFlatten` on 10^5-node trees was several
 * times their time on 10^3-node trees. Chunks stay in the ordinary heap, so pushes stay cheap at
 * any length; `toArray` then makes the one array a caller needs at its final size, in one go.
 *
 * @internal
 * @module
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChunkedList = void 0;
const CHUNK_BITS = 13;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
class ChunkedList {
    chunks = [[]];
    last = this.chunks[0];
    /** How many values were pushed. */
    get length() {
        return (this.chunks.length - 1) * CHUNK_SIZE + this.last.length;
    }
    push(value) {
        const last = this.last;
        if (last.length !== CHUNK_SIZE)
            last.push(value);
        else
            this.chunks.push((this.last = [value]));
    }
    /** The `index`-th value pushed (`index < length`). */
    get(index) {
        return this.chunks[index >>> CHUNK_BITS][index & CHUNK_MASK];
    }
    /**
     * The values as one array. It may be the list's own storage (a list of one chunk, the usual
     * case, costs no copy), so the list must not be pushed to afterwards.
     */
    toArray() {
        if (this.chunks.length === 1)
            return this.last;
        const out = new Array(this.length);
        let i = 0;
        for (const chunk of this.chunks)
            for (let j = 0; j < chunk.length; j++)
                out[i++] = chunk[j];
        return out;
    }
}
exports.ChunkedList = ChunkedList;
