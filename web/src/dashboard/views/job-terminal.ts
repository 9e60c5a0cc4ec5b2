// An xterm.js terminal sized to its box, for job output plus our own dimmed status lines.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";

const THEME = {
  background: "#070a0e",
  foreground: "#d7e0e8",
  cursor: "#070a0e",
  selectionBackground: "#2a4a66",
  black: "#0a0e13",
  green: "#3ee0a1",
  cyan: "#5cc8ff",
  yellow: "#f5b941",
  red: "#ff6b6b",
  brightBlack: "#7f91a3",
};

const COLOURS = { dim: "90", info: "36", ok: "32", warn: "33", error: "31" } as const;
export type Tone = keyof typeof COLOURS;

export class JobTerminal {
  readonly element: HTMLElement;
  private readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly resizeObserver: ResizeObserver;

  constructor(label: string) {
    this.element = document.createElement("div");
    this.element.className = "terminal";
    this.element.setAttribute("role", "log");
    this.element.setAttribute("aria-label", label);
    this.terminal = new Terminal({
      convertEol: true,
      disableStdin: true,
      cursorBlink: false,
      cursorStyle: "bar",
      cursorInactiveStyle: "none",
      fontFamily: '"JetBrains Mono", ui-monospace, monospace',
      fontSize: 13,
      lineHeight: 1.35,
      scrollback: 10_000,
      theme: THEME,
    });
    this.terminal.loadAddon(this.fit);
    this.resizeObserver = new ResizeObserver(() => this.refit());
  }

  /** Call once the element is in the document. */
  open(): void {
    this.terminal.open(this.element);
    this.resizeObserver.observe(this.element);
    void document.fonts.ready.then(() => this.refit());
    this.refit();
  }

  write(text: string): void {
    this.terminal.write(text);
  }

  /** A platform line (not job output), dimmed or coloured so it reads apart from the job's bytes. */
  static line(text: string, tone: Tone = "dim"): string {
    return `\x1b[${COLOURS[tone]}m${text}\x1b[0m\r\n`;
  }

  clear(): void {
    this.terminal.reset();
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.terminal.dispose();
  }

  private refit(): void {
    if (this.element.isConnected && this.element.clientWidth > 0) this.fit.fit();
  }
}
