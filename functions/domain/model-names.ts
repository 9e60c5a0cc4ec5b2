// Hardware model names as reported by drivers vary ("NVIDIA A100-SXM4-80GB", "Tesla T4"); we
// compare them word by word so "A100" finds the A100 but "A10" does not.

/** Lower-case alphanumeric words of a model name. */
export function nameWords(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether every word of `wanted` appears as a whole word in `actual`. */
export function nameMatches(wanted: string, actual: string): boolean {
  const words = new Set(nameWords(actual));
  const required = nameWords(wanted);
  return required.length > 0 && required.every((word) => words.has(word));
}
