// Azure Tables caps a string property at 64 KiB (32K UTF-16 characters); long JSON texts are
// split across numbered properties (Name, Name__1, Name__2, ...) and joined back when read.

const CHUNK_CHARS = 30_000;

export type TableEntityProps = Record<string, unknown>;

export function putText(props: TableEntityProps, name: string, text: string | undefined): void {
  if (text === undefined) return;
  for (let part = 0, at = 0; at < text.length || part === 0; part++, at += CHUNK_CHARS) {
    props[part === 0 ? name : `${name}__${part}`] = text.slice(at, at + CHUNK_CHARS);
  }
}

export function getText(props: TableEntityProps, name: string): string | undefined {
  const first = props[name];
  if (typeof first !== "string") return undefined;
  let text = first;
  for (let part = 1; ; part++) {
    const next = props[`${name}__${part}`];
    if (typeof next !== "string") return text;
    text += next;
  }
}

/** Largest number of parts a text may have: a 1 MiB entity holds about 16 full parts. */
const MAX_PARTS = 16;

/** Property names a text may occupy, for `$select`. */
export function textColumns(name: string): string[] {
  return [name, ...Array.from({ length: MAX_PARTS - 1 }, (_, i) => `${name}__${i + 1}`)];
}
