// Describes user data for log lines by its shape only (type, keys, size), never its values, so
// inputs and outputs that carry secrets do not end up in logs.

const MAX_KEYS = 8;

/** A shape summary of JSON text, e.g. `object {jobId, nodeId} (84 chars)`. */
export function summarizeJson(text: string | undefined): string {
  if (text === undefined) return "none";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `text (${text.length} chars)`;
  }
  const size = `(${text.length} chars)`;
  if (value === null) return "null";
  if (Array.isArray(value)) return `array[${value.length}] ${size}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    const shown = keys.slice(0, MAX_KEYS).join(", ");
    return `object {${shown}${keys.length > MAX_KEYS ? ", …" : ""}} ${size}`;
  }
  return typeof value === "string" ? `string ${size}` : typeof value;
}
