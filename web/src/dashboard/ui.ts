// Small building blocks shared by the dashboard views.
import { h, uniqueId, type Attrs } from "../lib/dom.js";
import { statusLabel } from "../lib/format.js";

export interface Field {
  wrapper: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
}

/** A labelled control with a slot for its error; `path` ties server field errors to it. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  options: { path?: string; hint?: string } = {},
): Field {
  const id = control.id || uniqueId("field");
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = options.hint ? `${id}-hint` : undefined;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  const wrapper = h(
    "div",
    { class: "field", "data-path": options.path },
    h("label", { for: id }, label),
    control,
    options.hint ? h("p", { class: "field-hint", id: hintId }, options.hint) : null,
    h("p", { class: "field-error", id: errorId, role: "alert", hidden: true }),
  );
  return { wrapper, control };
}

export function pill(status: string): HTMLElement {
  return h(
    "span",
    { class: `pill pill-${status}` },
    h("span", { class: "pill-dot", "aria-hidden": "true" }),
    statusLabel(status),
  );
}

export function loading(label = "Loading…"): HTMLElement {
  return h(
    "div",
    { class: "loading", role: "status" },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    label,
  );
}

export function emptyState(title: string, body: string, action?: HTMLElement): HTMLElement {
  return h(
    "div",
    { class: "empty" },
    h("div", { class: "empty-icon", "aria-hidden": "true" }),
    h("h3", {}, title),
    h("p", {}, body),
    action ?? null,
  );
}

export function card(
  title: string | null,
  attrs: Attrs,
  ...children: (Node | null)[]
): HTMLElement {
  return h(
    "section",
    { class: "card", ...attrs },
    title ? h("h2", { class: "card-title" }, title) : null,
    ...children,
  );
}

export function pageHeader(
  title: string,
  subtitle: string,
  ...actions: HTMLElement[]
): HTMLElement {
  return h(
    "header",
    { class: "page-header" },
    h("div", {}, h("h1", {}, title), h("p", { class: "page-subtitle" }, subtitle)),
    actions.length ? h("div", { class: "page-actions" }, ...actions) : null,
  );
}

export function metric(label: string, value: string, attrs: Attrs = {}): HTMLElement {
  return h(
    "div",
    { class: "metric", ...attrs },
    h("span", { class: "metric-label" }, label),
    h("span", { class: "metric-value" }, value),
  );
}

/** A read-only command line with a copy button. */
export function copyableCommand(command: string, label: string): HTMLElement {
  const status = h("span", { class: "copy-status", "aria-live": "polite" });
  const button = h(
    "button",
    {
      type: "button",
      class: "btn btn-small",
      "aria-label": `Copy: ${label}`,
      onclick: () => {
        navigator.clipboard.writeText(command).then(
          () => (status.textContent = "Copied"),
          () => (status.textContent = "Select the text and copy it"),
        );
        window.setTimeout(() => (status.textContent = ""), 2000);
      },
    },
    "Copy",
  );
  return h(
    "div",
    { class: "command" },
    h("code", {}, command),
    h("div", { class: "command-actions" }, status, button),
  );
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A horizontally scrollable box for a wide table, reachable by keyboard so it can be scrolled. */
export function tableHost(label: string, ...children: (Node | null)[]): HTMLElement {
  return h(
    "div",
    { class: "table-host", tabindex: "0", role: "region", "aria-label": label },
    ...children,
  );
}

/** A column heading; numeric columns are right-aligned like their cells. */
export type Column = string | { label: string; numeric: true };

export function tableHead(columns: readonly Column[]): HTMLTableSectionElement {
  return h(
    "thead",
    {},
    h(
      "tr",
      {},
      columns.map((column) => {
        const label = typeof column === "string" ? column : column.label;
        const numeric = typeof column !== "string";
        return h(
          "th",
          { scope: "col", class: numeric ? "num" : undefined },
          label || h("span", { class: "visually-hidden" }, "Actions"),
        );
      }),
    ),
  );
}

export const numeric = (label: string): Column => ({ label, numeric: true });
