// The logo link back to the landing page.
import logoUrl from "../assets/logo-mark.svg";
import { h } from "../lib/dom.js";

export function brandLink(): HTMLElement {
  return h(
    "a",
    { class: "brand", href: "./", "aria-label": "WasteCompute home" },
    h("img", { src: logoUrl, alt: "", width: 28, height: 28 }),
    h("span", {}, "WasteCompute"),
  );
}
