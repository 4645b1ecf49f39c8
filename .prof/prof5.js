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
const tf = __importStar(require("@tensorflow/tfjs-core"));
const trees_1 = require("./bench/trees");
const src_1 = require("./src");
const flattenPass_1 = require("./src/core/flattenPass");
const options_1 = require("./src/core/options");
const src_2 = require("./src");
(async () => {
    await (0, src_1.initBackend)("cpu");
    const tree = (0, trees_1.loadShape)(process.argv[2] ?? "ResNet152", () => tf.scalar(0));
    const def = (0, src_1.treeFlatten)(tree)[1];
    const opts = (0, options_1.resolveOptions)({ registry: src_2.defaultRegistry });
    const time = (name, f, n = 2000) => {
        for (let i = 0; i < 300; i++)
            f();
        const t = process.hrtime.bigint();
        for (let i = 0; i < n; i++)
            f();
        console.log(name.padEnd(16), (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(1), "us");
    };
    for (let r = 0; r < 2; r++) {
        time("plain", () => (0, trees_1.plainLeaves)(tree));
        time("treeLeaves", () => (0, src_1.treeLeaves)(tree));
        time("treeFlatten", () => (0, src_1.treeFlatten)(tree));
        time("readAlong", () => (0, flattenPass_1.readAlong)(tree, opts, def.nodes));
        time("treeMapN 3", () => (0, src_1.treeMapN)((a) => a, [tree, tree, tree]), 500);
    }
})();
