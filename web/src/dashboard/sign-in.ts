// Sign-in with an API key: checked locally for shape, then by the API (`GET /api/me`).
import { API_KEY_PREFIX } from "@wastecompute/contracts";
import { ApiError, describeError } from "../api/api-error.js";
import { keyProblem } from "../lib/api-key.js";
import { ApiClient, type Me } from "../api/client.js";
import { h } from "../lib/dom.js";
import { brandLink } from "./brand.js";
import { clearFieldErrors, showFieldErrors } from "./form-errors.js";
import { field } from "./ui.js";

export function signInView(onSignedIn: (apiKey: string, me: Me) => void): HTMLElement {
  const input = h("input", {
    type: "password",
    name: "apiKey",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: `${API_KEY_PREFIX}…`,
    required: true,
  });
  const keyField = field("API key", input, {
    path: "apiKey",
    hint: "Your key stays in this browser tab only and is forgotten when you sign out or close it.",
  });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-large" }, "Sign in");
  const form = h(
    "form",
    { class: "sign-in-form", novalidate: true, "aria-labelledby": "sign-in-title" },
    keyField.wrapper,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const key = input.value.trim();
    const problem = keyProblem(key);
    if (problem) {
      showFieldErrors(form, [{ path: "apiKey", message: problem }]);
      return;
    }
    submit.disabled = true;
    submit.textContent = "Signing in…";
    new ApiClient(key)
      .me()
      .then((me) => onSignedIn(key, me))
      .catch((error: unknown) => {
        const message =
          error instanceof ApiError && (error.status === 401 || error.status === 403)
            ? "This key was not accepted. Check it, or ask your administrator for a new one."
            : describeError(error);
        showFieldErrors(form, [{ path: "apiKey", message }]);
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = "Sign in";
      });
  });

  return h(
    "main",
    { class: "sign-in", id: "main" },
    h(
      "div",
      { class: "sign-in-panel" },
      brandLink(),
      h("h1", { id: "sign-in-title" }, "Sign in to the console"),
      h(
        "p",
        { class: "muted" },
        "Use the API key from your WasteCompute account. Buyers run jobs; sellers manage nodes and earnings.",
      ),
      form,
      h(
        "p",
        { class: "sign-in-foot" },
        "New here? ",
        h("a", { href: "./docs.html#getting-started" }, "How to get a key"),
        " · ",
        h("a", { href: "./docs.html#agent" }, "Sell idle capacity"),
      ),
    ),
  );
}
