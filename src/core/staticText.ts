/**
 * Static values in a few characters, for `TreeDef.toString` and error messages: read only as
 * plain data (a getter is never run, a `toJSON` never called, a cycle never followed).
 *
 * @internal
 * @module
 */
import { describeValue } from "./describeValue";
import { isPlainData } from "./rules";

/** How many characters a static value is shown in. */
const STATIC_TEXT = 40;

/**
 * A static value (a record's static field, a node type's aux) in a few characters, JSON-like but
 * faithful (`NaN`, `undefined`, `-0`, `1n` and functions by name stay themselves, so two values
 * that differ print differently). Read only when it is plain data all the way down; anything
 * else is shown by its kind.
 *
 * @example
 * staticText({ sizes: [2, 3], act: "relu" }); // '{"sizes":[2,3],"act":"relu"}'
 * staticText([NaN, undefined]);                // "[NaN,undefined]"
 */
export function staticText(value: unknown): string {
  if (value !== null && typeof value === "object" && !isPlainData(value)) return `<${describeValue(value)}>`;
  const out = { text: "" };
  writeStatic(value, out);
  return out.text.length > STATIC_TEXT ? `${out.text.slice(0, STATIC_TEXT - 3)}...` : out.text;
}

/** Appends `value` to `out.text`, stopping once the text is longer than it will be shown. */
function writeStatic(value: unknown, out: { text: string }): void {
  if (out.text.length > STATIC_TEXT) return;
  switch (typeof value) {
    case "string":
      out.text += JSON.stringify(value.length > STATIC_TEXT ? value.slice(0, STATIC_TEXT) : value);
      return;
    case "number":
      out.text += Object.is(value, -0) ? "-0" : String(value);
      return;
    case "bigint":
      out.text += `${value}n`;
      return;
    case "function":
      out.text += value.name === "" ? "<function>" : value.name;
      return;
    case "object":
      break;
    default:
      out.text += String(value);
      return;
  }
  if (value === null) {
    out.text += "null";
    return;
  }
  if (Array.isArray(value)) {
    out.text += "[";
    for (let i = 0; i < value.length && out.text.length <= STATIC_TEXT; i++) {
      if (i > 0) out.text += ",";
      if (i in value) writeStatic(value[i], out);
      else out.text += "<hole>";
    }
    out.text += "]";
    return;
  }
  const record = value as Record<string, unknown>;
  out.text += "{";
  let first = true;
  for (const key in record) {
    if (out.text.length > STATIC_TEXT) break;
    out.text += `${first ? "" : ","}${JSON.stringify(key)}:`;
    first = false;
    writeStatic(record[key], out);
  }
  out.text += "}";
}
