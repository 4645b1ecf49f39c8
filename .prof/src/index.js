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
exports.formatDecodeErrors = exports.parseTree = exports.stringifyTree = exports.treeCodec = exports.disposeTree = exports.treeOptimizer = exports.sgdStep = exports.partitionTrainable = exports.valueAndGrad = exports.registerWrapper = exports.defaultRegistry = exports.isUnwrapError = exports.UnwrapError = exports.containsUnwrappables = exports.isUnwrappable = exports.unwrap = exports.isWeightNormalization = exports.WeightNormalization = exports.nonTrainable = exports.isNonTrainable = exports.NonTrainable = exports.isParameterize = exports.Parameterize = exports.invSoftplus = exports.stopGradient = exports.isFloatTensor = exports.isTensor = exports.treeFormat = exports.mapNodeType = exports.registerNodeType = exports.keystr = exports.TreeDef = exports.treeUnflatten = exports.withOptions = exports.treeUnstack = exports.treeStack = exports.treeDifference = exports.treeEqual = exports.treeModifyAt = exports.treeAt = exports.combine = exports.partition = exports.treeMapN = exports.treeMapWithPath = exports.treeMap = exports.treeStructure = exports.treeLeaves = exports.treeFlattenWithPath = exports.treeFlatten = exports.initBackend = void 0;
exports.withLoadedTree = exports.loadTreeTE = exports.matchTreeError = exports.formatTreeError = exports.unwrapEither = exports.Tree = exports.loadTree = exports.saveTree = exports.TreeEncodeError = void 0;
/**
 * paramtree: JAX-style pytrees and paramax-style parameter wrappers for TensorFlow.js.
 *
 * This file is the public entry, a short list of what a user needs: one helper and one type per
 * concept. It only re-exports. The engine unbound (`paramtree/core`) and the building blocks for
 * custom wrappers and codecs (`paramtree/advanced`) are subpaths of their own.
 *
 * @packageDocumentation
 */
var backend_1 = require("./backend");
Object.defineProperty(exports, "initBackend", { enumerable: true, get: function () { return backend_1.initBackend; } });
// trees
var defaults_1 = require("./defaults");
Object.defineProperty(exports, "treeFlatten", { enumerable: true, get: function () { return defaults_1.treeFlatten; } });
Object.defineProperty(exports, "treeFlattenWithPath", { enumerable: true, get: function () { return defaults_1.treeFlattenWithPath; } });
Object.defineProperty(exports, "treeLeaves", { enumerable: true, get: function () { return defaults_1.treeLeaves; } });
Object.defineProperty(exports, "treeStructure", { enumerable: true, get: function () { return defaults_1.treeStructure; } });
Object.defineProperty(exports, "treeMap", { enumerable: true, get: function () { return defaults_1.treeMap; } });
Object.defineProperty(exports, "treeMapWithPath", { enumerable: true, get: function () { return defaults_1.treeMapWithPath; } });
Object.defineProperty(exports, "treeMapN", { enumerable: true, get: function () { return defaults_1.treeMapN; } });
Object.defineProperty(exports, "partition", { enumerable: true, get: function () { return defaults_1.partition; } });
Object.defineProperty(exports, "combine", { enumerable: true, get: function () { return defaults_1.combine; } });
Object.defineProperty(exports, "treeAt", { enumerable: true, get: function () { return defaults_1.treeAt; } });
Object.defineProperty(exports, "treeModifyAt", { enumerable: true, get: function () { return defaults_1.treeModifyAt; } });
Object.defineProperty(exports, "treeEqual", { enumerable: true, get: function () { return defaults_1.treeEqual; } });
Object.defineProperty(exports, "treeDifference", { enumerable: true, get: function () { return defaults_1.treeDifference; } });
Object.defineProperty(exports, "treeStack", { enumerable: true, get: function () { return defaults_1.treeStack; } });
Object.defineProperty(exports, "treeUnstack", { enumerable: true, get: function () { return defaults_1.treeUnstack; } });
Object.defineProperty(exports, "withOptions", { enumerable: true, get: function () { return defaults_1.withOptions; } });
var flatten_1 = require("./core/flatten");
Object.defineProperty(exports, "treeUnflatten", { enumerable: true, get: function () { return flatten_1.treeUnflatten; } });
var treedef_1 = require("./core/treedef");
Object.defineProperty(exports, "TreeDef", { enumerable: true, get: function () { return treedef_1.TreeDef; } });
var keyPath_1 = require("./core/keyPath");
Object.defineProperty(exports, "keystr", { enumerable: true, get: function () { return keyPath_1.keystr; } });
var registry_1 = require("./core/registry");
Object.defineProperty(exports, "registerNodeType", { enumerable: true, get: function () { return registry_1.registerNodeType; } });
Object.defineProperty(exports, "mapNodeType", { enumerable: true, get: function () { return registry_1.mapNodeType; } });
var format_1 = require("./tensor/format");
Object.defineProperty(exports, "treeFormat", { enumerable: true, get: function () { return format_1.treeFormat; } });
var values_1 = require("./tensor/values");
Object.defineProperty(exports, "isTensor", { enumerable: true, get: function () { return values_1.isTensor; } });
Object.defineProperty(exports, "isFloatTensor", { enumerable: true, get: function () { return values_1.isFloatTensor; } });
var stopGradient_1 = require("./tensor/stopGradient");
Object.defineProperty(exports, "stopGradient", { enumerable: true, get: function () { return stopGradient_1.stopGradient; } });
var invSoftplus_1 = require("./tensor/invSoftplus");
Object.defineProperty(exports, "invSoftplus", { enumerable: true, get: function () { return invSoftplus_1.invSoftplus; } });
// wrappers
var parameterize_1 = require("./wrappers/parameterize");
Object.defineProperty(exports, "Parameterize", { enumerable: true, get: function () { return parameterize_1.Parameterize; } });
Object.defineProperty(exports, "isParameterize", { enumerable: true, get: function () { return parameterize_1.isParameterize; } });
var nonTrainable_1 = require("./wrappers/nonTrainable");
Object.defineProperty(exports, "NonTrainable", { enumerable: true, get: function () { return nonTrainable_1.NonTrainable; } });
Object.defineProperty(exports, "isNonTrainable", { enumerable: true, get: function () { return nonTrainable_1.isNonTrainable; } });
var nonTrainableLeaves_1 = require("./wrappers/nonTrainableLeaves");
Object.defineProperty(exports, "nonTrainable", { enumerable: true, get: function () { return nonTrainableLeaves_1.nonTrainable; } });
var weightNormalization_1 = require("./wrappers/weightNormalization");
Object.defineProperty(exports, "WeightNormalization", { enumerable: true, get: function () { return weightNormalization_1.WeightNormalization; } });
Object.defineProperty(exports, "isWeightNormalization", { enumerable: true, get: function () { return weightNormalization_1.isWeightNormalization; } });
var unwrap_1 = require("./wrappers/unwrap");
Object.defineProperty(exports, "unwrap", { enumerable: true, get: function () { return unwrap_1.unwrap; } });
Object.defineProperty(exports, "isUnwrappable", { enumerable: true, get: function () { return unwrap_1.isUnwrappable; } });
Object.defineProperty(exports, "containsUnwrappables", { enumerable: true, get: function () { return unwrap_1.containsUnwrappables; } });
var unwrapError_1 = require("./wrappers/unwrapError");
Object.defineProperty(exports, "UnwrapError", { enumerable: true, get: function () { return unwrapError_1.UnwrapError; } });
Object.defineProperty(exports, "isUnwrapError", { enumerable: true, get: function () { return unwrapError_1.isUnwrapError; } });
var defaultRegistry_1 = require("./wrappers/defaultRegistry");
Object.defineProperty(exports, "defaultRegistry", { enumerable: true, get: function () { return defaultRegistry_1.defaultRegistry; } });
var spec_1 = require("./wrappers/spec");
Object.defineProperty(exports, "registerWrapper", { enumerable: true, get: function () { return spec_1.registerWrapper; } });
// training
var valueAndGrad_1 = require("./train/valueAndGrad");
Object.defineProperty(exports, "valueAndGrad", { enumerable: true, get: function () { return valueAndGrad_1.valueAndGrad; } });
var partitionTrainable_1 = require("./train/partitionTrainable");
Object.defineProperty(exports, "partitionTrainable", { enumerable: true, get: function () { return partitionTrainable_1.partitionTrainable; } });
var sgd_1 = require("./train/sgd");
Object.defineProperty(exports, "sgdStep", { enumerable: true, get: function () { return sgd_1.sgdStep; } });
var optimizer_1 = require("./train/optimizer");
Object.defineProperty(exports, "treeOptimizer", { enumerable: true, get: function () { return optimizer_1.treeOptimizer; } });
var dispose_1 = require("./train/dispose");
Object.defineProperty(exports, "disposeTree", { enumerable: true, get: function () { return dispose_1.disposeTree; } });
// serialized trees
var treeCodec_1 = require("./codec/treeCodec");
Object.defineProperty(exports, "treeCodec", { enumerable: true, get: function () { return treeCodec_1.treeCodec; } });
Object.defineProperty(exports, "stringifyTree", { enumerable: true, get: function () { return treeCodec_1.stringifyTree; } });
Object.defineProperty(exports, "parseTree", { enumerable: true, get: function () { return treeCodec_1.parseTree; } });
var errors_1 = require("./codec/errors");
Object.defineProperty(exports, "formatDecodeErrors", { enumerable: true, get: function () { return errors_1.formatDecodeErrors; } });
Object.defineProperty(exports, "TreeEncodeError", { enumerable: true, get: function () { return errors_1.TreeEncodeError; } });
var files_1 = require("./codec/files");
Object.defineProperty(exports, "saveTree", { enumerable: true, get: function () { return files_1.saveTree; } });
Object.defineProperty(exports, "loadTree", { enumerable: true, get: function () { return files_1.loadTree; } });
// fp-ts
exports.Tree = __importStar(require("./fp/Tree"));
var unwrapEither_1 = require("./fp/unwrapEither");
Object.defineProperty(exports, "unwrapEither", { enumerable: true, get: function () { return unwrapEither_1.unwrapEither; } });
var treeError_1 = require("./fp/treeError");
Object.defineProperty(exports, "formatTreeError", { enumerable: true, get: function () { return treeError_1.formatTreeError; } });
Object.defineProperty(exports, "matchTreeError", { enumerable: true, get: function () { return treeError_1.matchTreeError; } });
var loadTreeTE_1 = require("./fp/loadTreeTE");
Object.defineProperty(exports, "loadTreeTE", { enumerable: true, get: function () { return loadTreeTE_1.loadTreeTE; } });
Object.defineProperty(exports, "withLoadedTree", { enumerable: true, get: function () { return loadTreeTE_1.withLoadedTree; } });
