// What the stack prints: its own progress lines and its children's output, each child's lines
// prefixed with its name. Colour only when writing to a terminal.
import pc from "picocolors";

export interface Reporter {
  /** Pads child-name prefixes to the longest of `names`, so output columns line up. */
  alignNames(names: readonly string[]): void;
  /** One line of a child's output. */
  output(name: string, line: string): void;
  starting(part: string): void;
  ready(part: string, detail: string, elapsedMs: number): void;
  notice(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  summary(title: string, rows: ReadonlyArray<readonly [string, string]>): void;
}

export interface ReporterOptions {
  color: boolean;
  write(text: string): void;
}

const MIN_NAME_WIDTH = 8;

export function createReporter({ color, write }: ReporterOptions): Reporter {
  const colors = pc.createColors(color);
  const palette = [
    colors.cyan,
    colors.magenta,
    colors.blue,
    colors.yellow,
    colors.green,
    colors.white,
  ];
  const nameColors = new Map<string, (text: string) => string>();
  const colorFor = (name: string): ((text: string) => string) => {
    let paint = nameColors.get(name);
    if (paint === undefined) {
      paint = palette[nameColors.size % palette.length]!;
      nameColors.set(name, paint);
    }
    return paint;
  };
  const line = (text: string): void => write(`${text}\n`);
  let nameWidth = MIN_NAME_WIDTH;
  return {
    alignNames: (names) => {
      nameWidth = Math.max(MIN_NAME_WIDTH, ...names.map((name) => name.length));
    },
    output: (name, text) =>
      line(`${colorFor(name)(name.padEnd(nameWidth))} ${colors.dim("|")} ${text}`),
    starting: (part) => line(colors.dim(`… starting ${part}`)),
    ready: (part, detail, elapsedMs) =>
      line(
        `${colors.green("✓")} ${colors.bold(part)} ready${detail ? ` ${detail}` : ""} ${colors.dim(`(${(elapsedMs / 1000).toFixed(1)} s)`)}`,
      ),
    notice: (text) => line(`${colors.dim("-")} ${text}`),
    warn: (text) => line(`${colors.yellow("!")} ${text}`),
    error: (text) => line(`${colors.red("✗")} ${colors.red(text)}`),
    summary: (title, rows) => {
      const width = Math.max(...rows.map(([label]) => label.length));
      line("");
      line(colors.bold(title));
      for (const [label, value] of rows) line(`  ${label.padEnd(width)}  ${colors.cyan(value)}`);
      line("");
    },
  };
}
