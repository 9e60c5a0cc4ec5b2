// What the agent prints: coloured human lines (with a live status line) on a TTY, JSON lines
// with --json or when stdout is not a TTY. Secret-bearing fields are always redacted.
import pc from "picocolors";

export type OutputMode = "human" | "json";
const SECRET_FIELD = /token|key|secret|password|authorization|sas|queueurl/i;

/** Replaces the values of secret-looking fields, at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? "[redacted]" : redact(v)]),
    );
  }
  return value;
}

const LEVEL_COLOUR: Record<string, (s: string) => string> = {
  error: pc.red,
  warn: pc.yellow,
  info: pc.cyan,
};

/** A sink for events, results and errors. */
export class Output {
  private statusShown = false;
  constructor(
    readonly mode: OutputMode,
    private readonly stdout:
      NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean } = process.stdout,
    private readonly stderr: { write(s: string): unknown } = process.stderr,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static choose(
    json: boolean | undefined,
    stdout: { isTTY?: boolean } = process.stdout,
  ): OutputMode {
    return json || !stdout.isTTY ? "json" : "human";
  }

  /** One structured event (job started, heartbeat failed, …). */
  event(
    event: string,
    fields: Record<string, unknown> = {},
    level: "info" | "warn" | "error" = "info",
  ): void {
    const safe = redact(fields) as Record<string, unknown>;
    if (this.mode === "json") {
      this.write(`${JSON.stringify({ ts: this.now().toISOString(), level, event, ...safe })}\n`);
      return;
    }
    const time = pc.dim(this.now().toISOString().slice(11, 19));
    const detail = Object.entries(safe)
      .map(([k, v]) => `${pc.dim(`${k}=`)}${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    this.write(`${time} ${(LEVEL_COLOUR[level] ?? pc.cyan)(event)}${detail ? ` ${detail}` : ""}\n`);
  }

  /** A transient one-line status ("API unreachable, retrying in 4 s"), rewritten in place on a TTY. */
  status(text: string): void {
    if (this.mode === "json") {
      this.event("status", { text });
      return;
    }
    this.stdout.write(`\r\x1b[2K${pc.yellow("…")} ${text}`);
    this.statusShown = true;
  }

  /** A command's result: one JSON document, or a readable rendering. */
  result(value: unknown, human?: string): void {
    if (this.mode === "json") this.write(`${JSON.stringify(redact(value))}\n`);
    else this.write(`${human ?? JSON.stringify(redact(value), null, 2)}\n`);
  }

  /** A fatal error: one clear line on stderr. */
  error(message: string): void {
    if (this.mode === "json")
      this.stderr.write(
        `${JSON.stringify({ ts: this.now().toISOString(), level: "error", event: "error", message })}\n`,
      );
    else this.stderr.write(`${pc.red("error")} ${message}\n`);
  }

  /** A loud warning, e.g. running without a sandbox. */
  warn(message: string): void {
    if (this.mode === "json") this.event("warning", { message }, "warn");
    else this.stderr.write(`${pc.bold(pc.yellow("WARNING"))} ${pc.yellow(message)}\n`);
  }

  private write(text: string): void {
    if (this.statusShown) {
      this.stdout.write("\r\x1b[2K");
      this.statusShown = false;
    }
    this.stdout.write(text);
  }
}
