/**
 * The node rules, the same for every function: a tree holds own enumerable data properties only.
 * A symbol-keyed, non-enumerable or accessor property is refused (the pass that meets it names
 * the node's path), never silently dropped or turned into a data property.
 *
 * @internal
 * @module
 */

/** A node that breaks a rule; the pass that meets it adds the path and rethrows a TypeError. */
export class NodeRuleError extends Error {}

/** Plain objects already checked (a model passed again and again is checked once). */
const ordinary = new WeakSet<object>();

/** Throws unless every own property of `node` is an enumerable data property. */
export function checkOrdinary(node: object): void {
  if (ordinary.has(node)) return;
  const names = Object.getOwnPropertyNames(node);
  const symbols = Object.getOwnPropertySymbols(node);
  if (symbols.length > 0) throw new NodeRuleError(`a symbol-keyed property ${symbols[0]!.toString()}`);
  for (const name of names) {
    const d = Object.getOwnPropertyDescriptor(node, name) as PropertyDescriptor;
    if (!d.enumerable) throw new NodeRuleError(`a non-enumerable property ${JSON.stringify(name)}`);
    if (d.get !== undefined || d.set !== undefined) {
      throw new NodeRuleError(`an accessor property ${JSON.stringify(name)} (a getter or setter)`);
    }
  }
  ordinary.add(node);
}
