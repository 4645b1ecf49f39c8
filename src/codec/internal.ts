/**
 * Small pieces shared by the encoder and the decoder.
 *
 * @internal
 * @module
 */

/**
 * The fields of the built-in wrappers, checked exactly (by the encoder too) when the registry
 * uses the built-in spec.
 */
export const builtinFields: Readonly<Record<string, Readonly<Record<string, "function" | "array" | "any">>>> =
  {
    Parameterize: { fn: "function", args: "array" },
    NonTrainable: { tree: "any" },
    WeightNormalization: { weight: "any", scale: "any" },
  };

/** `out[key] = value`, keeping `__proto__` an own data property. */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    out[key] = value;
  }
}
