"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.traverseArrayWithIndex = traverseArrayWithIndex;
const E = __importStar(require("fp-ts/Either"));
const O = __importStar(require("fp-ts/Option"));
const T = __importStar(require("fp-ts/Task"));
const TE = __importStar(require("fp-ts/TaskEither"));
/**
 * fp-ts's own array traversals for its most used instances: the same results and the same order
 * of effects as the generic path (they are the specialisations fp-ts itself provides), several
 * times faster for tasks (one `Promise.all` instead of a promise per `ap`). Matched by identity,
 * so a copy or a custom instance takes the generic path.
 */
const fastPaths = new Map([
    [E.Applicative, E.traverseReadonlyArrayWithIndex],
    [O.Applicative, O.traverseReadonlyArrayWithIndex],
    [T.ApplicativePar, T.traverseReadonlyArrayWithIndex],
    [T.ApplicativeSeq, T.traverseReadonlyArrayWithIndexSeq],
    [TE.ApplicativePar, TE.traverseReadonlyArrayWithIndex],
    [TE.ApplicativeSeq, TE.traverseReadonlyArrayWithIndexSeq],
]);
const single = (b) => [b];
const concat = (left) => (right) => ({ left, right });
/** The elements of a rope in order, with an explicit stack (ropes are log-depth, but be safe). */
function ropeToArray(rope, size) {
    const out = new Array(size);
    let i = 0;
    const stack = [rope];
    while (stack.length > 0) {
        const r = stack.pop();
        if (Array.isArray(r))
            out[i++] = r[0];
        else {
            const node = r;
            stack.push(node.right, node.left);
        }
    }
    return out;
}
function traverseArrayWithIndex(F) {
    return (as, f) => {
        const n = as.length;
        if (n === 0)
            return F.of([]);
        const fast = fastPaths.get(F);
        if (fast !== undefined)
            return fast(f)(as);
        let level = new Array(n);
        for (let i = 0; i < n; i++)
            level[i] = F.map(f(i, as[i]), single);
        while (level.length > 1) {
            const next = new Array(Math.ceil(level.length / 2));
            for (let j = 0; 2 * j < level.length; j++) {
                const left = level[2 * j];
                const right = level[2 * j + 1];
                next[j] = right === undefined ? left : F.ap(F.map(left, concat), right);
            }
            level = next;
        }
        return F.map(level[0], (rope) => ropeToArray(rope, n));
    };
}
