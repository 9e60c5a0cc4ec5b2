// The dismissible message strip at the top of the dashboard's content area.
import { h, replaceChildren } from "../lib/dom.js";

export class Banner {
  constructor(private readonly host: HTMLElement) {}

  error(title: string, detail?: string): void {
    this.show("error", title, detail);
  }

  info(title: string, detail?: string): void {
    this.show("info", title, detail);
  }

  clear(): void {
    this.host.replaceChildren();
  }

  private show(kind: "error" | "info", title: string, detail?: string): void {
    const dismiss = h(
      "button",
      {
        type: "button",
        class: "btn btn-ghost btn-small banner-close",
        "aria-label": "Dismiss message",
        onclick: () => this.clear(),
      },
      "✕",
    );
    replaceChildren(
      this.host,
      h(
        "div",
        { class: `banner banner-${kind}`, role: kind === "error" ? "alert" : "status" },
        h(
          "div",
          { class: "banner-text" },
          h("strong", {}, title),
          detail ? h("span", {}, detail) : null,
        ),
        dismiss,
      ),
    );
  }
}
