/**
 * `defaultRegistry`: the registry with the built-in wrappers (`Parameterize`, `NonTrainable`,
 * `WeightNormalization`), which every public function uses when its options name no registry.
 *
 * @module
 */
import type { TreeOptions } from "../core/options";
import type { Registry } from "../core/registry";
import { builtinRegistry } from "./weightNormalization";

/**
 * The registry the public functions use when none is given: the three built-in wrappers. Extend
 * it with `registerWrapper(defaultRegistry, spec)` (which returns a new registry) and pass the
 * result as the `registry` option.
 *
 * @example
 * [...defaultRegistry.specs.keys()]; // ["Parameterize", "NonTrainable", "WeightNormalization"]
 */
export const defaultRegistry: Registry = builtinRegistry;

/**
 * @internal `options` with `defaultRegistry` when they name no registry: how the layers above
 * the engine (whose own default is the empty registry) default to the built-in wrappers.
 */
export function withDefaultRegistry<O extends TreeOptions>(options: O | undefined): Partial<O> & TreeOptions {
  if (options === undefined) return defaultOptions as Partial<O>;
  return options.registry !== undefined ? options : { ...options, registry: defaultRegistry };
}

const defaultOptions: TreeOptions = Object.freeze({ registry: defaultRegistry });
