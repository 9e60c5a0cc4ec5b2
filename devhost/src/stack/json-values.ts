// Values a service reads from JSON files that earlier steps of the stack wrote (e.g. a key the
// seeding step saved), addressed with RFC 6901 JSON pointers.
import { readFile } from "node:fs/promises";
import type { JsonValueSource } from "./config.js";

function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The string or number at `pointer` in `document`; undefined when absent or of another type. */
export function valueAtPointer(document: unknown, pointer: string): string | undefined {
  let current: unknown = document;
  for (const token of pointer.split("/").slice(1).map(unescapeToken)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = Array.isArray(current)
      ? current[Number(token)]
      : Object.getOwnPropertyDescriptor(current, token)?.value;
  }
  if (typeof current === "string") return current;
  if (typeof current === "number") return String(current);
  return undefined;
}

export type JsonValues =
  | { kind: "ok"; values: Record<string, string> }
  | { kind: "missing-file"; file: string }
  | { kind: "invalid"; problem: string };

/** Reads every source; `fileOf` gives the absolute path of a source's file. */
export async function readJsonValues(
  sources: Readonly<Record<string, JsonValueSource>>,
  fileOf: (source: JsonValueSource) => string,
): Promise<JsonValues> {
  const values: Record<string, string> = {};
  for (const [name, source] of Object.entries(sources)) {
    const file = fileOf(source);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return { kind: "missing-file", file };
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return { kind: "invalid", problem: `${file} is not valid JSON` };
    }
    const value = valueAtPointer(document, source.pointer);
    if (value === undefined)
      return { kind: "invalid", problem: `${file} has no string at ${source.pointer}` };
    values[name] = value;
  }
  return { kind: "ok", values };
}
