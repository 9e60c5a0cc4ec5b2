// The job form: command, CPU/GPU, max runtime and the advanced requirements, read into a
// SubmitJobRequest and checked with the same schema the API uses.
import { MAX_RUNTIME_SEC, SubmitJobRequestSchema } from "@wastecompute/contracts";
import type { FieldError } from "../../api/api-error.js";
import type { SubmitJobInput } from "../../api/client.js";
import { h } from "../../lib/dom.js";
import { field } from "../ui.js";

export const EXAMPLE_COMMAND = "echo hello && sleep 1 && echo done";

export interface ConsoleForm {
  form: HTMLFormElement;
  submitButton: HTMLButtonElement;
  /** The request, or the fields that are wrong. */
  read(): { request: SubmitJobInput } | { errors: FieldError[] };
}

function numberInput(name: string, value: number, min: number, max: number): HTMLInputElement {
  return h("input", { type: "number", name, value, min, max, step: 1, inputmode: "numeric" });
}

/** `KEY=value` lines to an env object; blank lines are ignored. */
export function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf("=");
    env[eq < 0 ? trimmed : trimmed.slice(0, eq)] = eq < 0 ? "" : trimmed.slice(eq + 1);
  }
  return env;
}

export function buildConsoleForm(): ConsoleForm {
  const command = h("textarea", {
    name: "command",
    rows: 3,
    spellcheck: "false",
    class: "mono",
    placeholder: EXAMPLE_COMMAND,
  });
  command.value = EXAMPLE_COMMAND;
  const cpu = h("input", {
    type: "radio",
    name: "resourceType",
    value: "cpu",
    id: "resource-cpu",
    checked: true,
  });
  const gpu = h("input", { type: "radio", name: "resourceType", value: "gpu", id: "resource-gpu" });
  const maxRuntime = numberInput("maxRuntimeSec", 600, 1, MAX_RUNTIME_SEC);
  const cores = numberInput("cpuCores", 1, 1, 256);
  const memory = numberInput("memoryMb", 512, 64, 2_097_152);
  const gpus = numberInput("gpuCount", 0, 0, 16);
  const gpuModel = h("input", {
    type: "text",
    name: "gpuModel",
    placeholder: "any",
    autocomplete: "off",
  });
  const queueTimeout = numberInput("queueTimeoutSec", 600, 1, 7 * 86_400);
  const network = h("input", { type: "checkbox", name: "networkAccess", id: "network-access" });
  const env = h("textarea", {
    name: "env",
    rows: 2,
    spellcheck: "false",
    class: "mono",
    placeholder: "NAME=value, one per line",
  });

  const syncGpuCount = () => {
    if (gpu.checked && Number(gpus.value) < 1) gpus.value = "1";
    if (cpu.checked) gpus.value = "0";
  };
  cpu.addEventListener("change", syncGpuCount);
  gpu.addEventListener("change", syncGpuCount);

  const resource = h(
    "fieldset",
    { class: "field segmented-field", "data-path": "resourceType" },
    h("legend", {}, "Resource"),
    h(
      "div",
      { class: "segmented" },
      h("label", { for: "resource-cpu" }, cpu, h("span", {}, "CPU")),
      h("label", { for: "resource-gpu" }, gpu, h("span", {}, "GPU")),
    ),
    h("p", { class: "field-error", role: "alert", hidden: true }),
  );

  const submitButton = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-large execute" },
    "Execute",
  );
  const form = h(
    "form",
    { class: "console-form", novalidate: true, "aria-label": "New job" },
    field("Command", command, {
      path: "command",
      hint: "Runs with /bin/sh in a sandbox on the seller's machine.",
    }).wrapper,
    h(
      "div",
      { class: "form-row" },
      resource,
      field("Max runtime (seconds)", maxRuntime, { path: "maxRuntimeSec" }).wrapper,
    ),
    h(
      "details",
      { class: "advanced" },
      h("summary", {}, "Advanced requirements"),
      h(
        "div",
        { class: "form-grid" },
        field("CPU cores", cores, { path: "requirements.cpuCores" }).wrapper,
        field("Memory (MB)", memory, { path: "requirements.memoryMb" }).wrapper,
        field("GPUs", gpus, { path: "requirements.gpuCount" }).wrapper,
        field("GPU model", gpuModel, { path: "requirements.gpuModel" }).wrapper,
        field("Queue timeout (seconds)", queueTimeout, {
          path: "queueTimeoutSec",
          hint: "Give up if no node takes it by then.",
        }).wrapper,
        field("Environment", env, { path: "env" }).wrapper,
      ),
      h(
        "div",
        { class: "checkbox field", "data-path": "networkAccess" },
        network,
        h(
          "label",
          { for: "network-access" },
          "Allow network access (only on nodes whose owner permits it)",
        ),
      ),
    ),
    h("div", { class: "form-actions" }, submitButton),
  );

  const read: ConsoleForm["read"] = () => {
    const input = {
      command: command.value,
      resourceType: gpu.checked ? "gpu" : "cpu",
      maxRuntimeSec: maxRuntime.valueAsNumber,
      queueTimeoutSec: queueTimeout.valueAsNumber,
      networkAccess: network.checked,
      env: parseEnvLines(env.value),
      requirements: {
        cpuCores: cores.valueAsNumber,
        memoryMb: memory.valueAsNumber,
        gpuCount: gpus.valueAsNumber,
        ...(gpuModel.value.trim() ? { gpuModel: gpuModel.value.trim() } : {}),
      },
    };
    const parsed = SubmitJobRequestSchema.safeParse(input);
    if (!parsed.success) {
      return {
        errors: parsed.error.issues.map((issue) => ({
          path: issue.path.join("."),
          message: issue.message,
        })),
      };
    }
    return { request: parsed.data };
  };

  return { form, submitButton, read };
}
