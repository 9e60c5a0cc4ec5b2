// `${NAME}` placeholders in stack configuration strings, filled from the stack's resolved values.
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names referenced as `${NAME}` in `text`. */
export function referencedNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/** Replaces every `${NAME}` in `text`; throws when a name has no value. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`\${${name}} is not a stack value`);
    return value;
  });
}

export function substituteAll(
  texts: readonly string[],
  values: Readonly<Record<string, string>>,
): string[] {
  return texts.map((text) => substitute(text, values));
}

export function substituteRecord(
  record: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([key, text]) => [key, substitute(text, values)]),
  );
}
