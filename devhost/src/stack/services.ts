// Which configured services run: those not left out on the command line, and, when a service's
// turn comes, those whose required files exist and whose work is not done yet.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ServiceConfig } from "./config.js";
import { readJsonValues } from "./json-values.js";
import { StackError } from "./stack-error.js";
import { substitute } from "./substitute.js";

/** Services not left out by `skip` (a name also covers its `name-…` steps); `left` gets the others. */
export function selectServices(
  services: readonly ServiceConfig[],
  skip: readonly string[],
  left: (service: ServiceConfig) => void,
): ServiceConfig[] {
  return services.filter((service) => {
    const skipped = skip.some(
      (name) => service.name === name || service.name.startsWith(`${name}-`),
    );
    if (skipped) left(service);
    return !skipped;
  });
}

/**
 * Checked when the service's turn comes, so earlier steps can create what it needs: the values
 * its strings may use, or why it is skipped.
 */
export async function prepareService(
  service: ServiceConfig,
  baseDir: string,
  values: Readonly<Record<string, string>>,
): Promise<{ values: Record<string, string> } | { skipBecause: string }> {
  const path = (text: string): string => resolve(baseDir, substitute(text, values));
  const missing = service.requires.find((file) => !existsSync(path(file)));
  if (missing !== undefined) {
    return { skipBecause: `${missing} does not exist yet (build it first)` };
  }
  if (service.skipIfExists !== undefined && existsSync(path(service.skipIfExists))) {
    return { skipBecause: `${service.skipIfExists} exists already` };
  }
  const read = await readJsonValues(service.values, (source) => path(source.jsonFile));
  if (read.kind === "missing-file") return { skipBecause: `${read.file} does not exist yet` };
  if (read.kind === "invalid") {
    throw new StackError(
      `${service.name} cannot start: ${read.problem}; fix the step that writes it.`,
    );
  }
  return { values: { ...values, ...read.values } };
}
