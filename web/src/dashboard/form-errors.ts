// Puts API field errors next to the fields they name; the rest go to the banner.
import { ApiError, describeError, type FieldError } from "../api/api-error.js";
import type { Banner } from "./banner.js";

export function clearFieldErrors(form: HTMLElement): void {
  for (const error of form.querySelectorAll<HTMLElement>(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const control of form.querySelectorAll("[aria-invalid]"))
    control.removeAttribute("aria-invalid");
}

function fieldFor(form: HTMLElement, path: string): HTMLElement | null {
  // The closest named ancestor path wins: `requirements.cpuCores.0` still lands on cpuCores.
  for (let p = path; p; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    const found = form.querySelector<HTMLElement>(`.field[data-path="${CSS.escape(p)}"]`);
    if (found) return found;
  }
  return null;
}

/** Returns the errors no field claimed. */
export function showFieldErrors(form: HTMLElement, errors: readonly FieldError[]): FieldError[] {
  const unclaimed: FieldError[] = [];
  let first: HTMLElement | null = null;
  for (const error of errors) {
    const wrapper = fieldFor(form, error.path);
    const slot = wrapper?.querySelector<HTMLElement>(".field-error");
    const control = wrapper?.querySelector<HTMLElement>("input, select, textarea");
    if (!slot || !control) {
      unclaimed.push(error);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent}; ${error.message}` : error.message;
    slot.hidden = false;
    control.setAttribute("aria-invalid", "true");
    first ??= control;
  }
  first?.focus();
  return unclaimed;
}

/** Field errors beside their fields; everything else in the banner. */
export function reportFormError(form: HTMLElement, error: unknown, banner: Banner): void {
  if (error instanceof ApiError && error.fieldErrors.length > 0) {
    const rest = showFieldErrors(form, error.fieldErrors);
    if (rest.length > 0)
      banner.error(error.title, rest.map((e) => `${e.path || "request"}: ${e.message}`).join("; "));
    return;
  }
  if (error instanceof ApiError) banner.error(error.title, error.detail);
  else banner.error("Request failed", describeError(error));
}
