// The stack configuration file (devhost.stack.json): what to provision and which extra services
// to run after the function host. Validated with zod so a mistake names the field at fault.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { referencedNames } from "./substitute.js";
import { StackError } from "./stack-error.js";

/** Values every config string may reference as `${NAME}`, besides the services' own port names. */
export const STACK_VALUE_NAMES = [
  "API_URL",
  "HOST_PORT",
  "DATA_DIR",
  "ROOT_DIR",
  "AZURE_STORAGE_CONNECTION_STRING",
  "AZURITE_BLOB_PORT",
  "AZURITE_QUEUE_PORT",
  "AZURITE_TABLE_PORT",
  "COSMOS_ENDPOINT",
  "COSMOS_KEY",
  "COSMOS_DATABASE",
  "COSMOS_PORT",
] as const;

/** Names the stack uses for its own parts (in output and for --skip). */
const BUILT_IN_PARTS = ["azurite", "cosmos", "provisioning", "host"];

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an UPPER_SNAKE_CASE name");
const envRecord = z.record(z.string(), z.string());
// Azure Storage naming rules, so a bad name fails here rather than as a 400 from Azurite.
const queueOrContainerName = z
  .string()
  .regex(
    /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/,
    "must be 3-63 lowercase letters, digits and single hyphens",
  );
const tableName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, "must be 3-63 letters and digits, starting with a letter");

const regexSource = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, "must be a valid regular expression");

const jsonValueSource = z
  .object({
    jsonFile: z.string().min(1),
    /** RFC 6901 JSON pointer to a string or number, e.g. /seller/apiKey */
    pointer: z.string().regex(/^(\/[^/]*)+$/, "must be a JSON pointer such as /seller/apiKey"),
  })
  .strict();

export type JsonValueSource = z.infer<typeof jsonValueSource>;

const portSchema = z
  .object({
    /** Stack value name other entries use, e.g. WEB_PORT → `${WEB_PORT}`. */
    name: envName,
    default: z.number().int().min(1).max(65535),
    /** Environment variable that overrides the default, e.g. WC_WEB_PORT. */
    env: envName,
  })
  .strict();

const serviceSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be lowercase letters, digits and hyphens"),
    command: z.array(z.string().min(1)).min(1),
    /** Working directory, relative to the config file's folder. */
    cwd: z.string().default("."),
    env: envRecord.default({}),
    /** Runs to completion before the next service starts; must exit 0. */
    once: z.boolean().default(false),
    /**
     * Files (relative to the config file's folder) that must exist when the service's turn comes,
     * else it is skipped with a notice.
     */
    requires: z.array(z.string().min(1)).default([]),
    /** A file whose existence means the work is done: the service is skipped (for run-once steps). */
    skipIfExists: z.string().min(1).optional(),
    /**
     * Values read, when the service's turn comes, from JSON files earlier steps wrote, usable as
     * `${NAME}` in this service's strings. A missing file skips the service with a notice.
     */
    values: z.record(envName, jsonValueSource).default({}),
    port: portSchema.optional(),
    readyUrl: z.string().optional(),
    readyPattern: regexSource.optional(),
    readyTimeoutSeconds: z.number().positive().default(120),
  })
  .strict();

const configSchema = z
  .object({
    $schema: z.string().optional(),
    /** Prefix of the env vars that move the built-in parts' ports: WC_ gives WC_HOST_PORT. */
    portEnvPrefix: z
      .string()
      .regex(/^([A-Z][A-Z0-9_]*_)?$/, "must be empty or UPPER_SNAKE_CASE ending in _")
      .default("DEVHOST_"),
    cosmos: z
      .object({
        database: z.string().min(1),
        containers: z
          .array(
            z
              .object({
                id: z.string().min(1),
                partitionKey: z.string().regex(/^\/[^/]/, "must be a path such as /id"),
              })
              .strict(),
          )
          .default([]),
      })
      .strict(),
    storage: z
      .object({
        queues: z.array(queueOrContainerName).default([]),
        tables: z.array(tableName).default([]),
        blobContainers: z.array(queueOrContainerName).default([]),
      })
      .strict()
      .prefault({}),
    host: z
      .object({
        /** The Function App folder (with package.json and host.json), relative to the config file. */
        appDir: z.string().default("."),
        /** Path answered with 2xx once the app is up. */
        readyPath: z.string().startsWith("/").default("/api/health"),
        env: envRecord.default({}),
        readyTimeoutSeconds: z.number().positive().default(120),
      })
      .strict()
      .prefault({}),
    services: z.array(serviceSchema).default([]),
  })
  .strict();

export type StackConfig = z.infer<typeof configSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;

/** A validated config plus the folder its relative paths are resolved against. */
export interface LoadedConfig {
  config: StackConfig;
  baseDir: string;
  path: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`,
    )
    .join("");
}

function invalid(file: string, field: string, problem: string): StackError {
  const where = field === "" ? "" : ` at ${field}`;
  return new StackError(`${file} is invalid${where}: ${problem}; fix it and run again.`);
}

function checkNames(
  file: string,
  known: ReadonlySet<string>,
  strings: Array<[string, string]>,
): void {
  for (const [field, text] of strings) {
    const unknown = referencedNames(text).find((name) => !known.has(name));
    if (unknown !== undefined) {
      throw invalid(
        file,
        field,
        `\${${unknown}} is not a stack value (known: ${[...known].join(", ")})`,
      );
    }
  }
}

/**
 * Every `${NAME}` must be a stack value or a declared service port; a service's own strings may
 * also use the values it reads from JSON files.
 */
function checkReferences(config: StackConfig, file: string): void {
  const known = new Set<string>([
    ...STACK_VALUE_NAMES,
    ...config.services.flatMap((s) => (s.port ? [s.port.name] : [])),
  ]);
  checkNames(file, known, [
    ["host.appDir", config.host.appDir],
    ...Object.entries(config.host.env).map(([key, value]): [string, string] => [
      `host.env.${key}`,
      value,
    ]),
  ]);
  config.services.forEach((service, i) => {
    const at = `services[${i}]`;
    checkNames(
      file,
      known,
      Object.entries(service.values).map(([name, source]): [string, string] => [
        `${at}.values.${name}.jsonFile`,
        source.jsonFile,
      ]),
    );
    const strings: Array<[string, string]> = [[`${at}.cwd`, service.cwd]];
    service.command.forEach((arg, j) => strings.push([`${at}.command[${j}]`, arg]));
    service.requires.forEach((path, j) => strings.push([`${at}.requires[${j}]`, path]));
    Object.entries(service.env).forEach(([key, value]) =>
      strings.push([`${at}.env.${key}`, value]),
    );
    if (service.readyUrl !== undefined) strings.push([`${at}.readyUrl`, service.readyUrl]);
    if (service.skipIfExists !== undefined) {
      strings.push([`${at}.skipIfExists`, service.skipIfExists]);
    }
    checkNames(file, new Set([...known, ...Object.keys(service.values)]), strings);
  });
  const names = config.services.map((s) => s.name);
  const reserved = names.find((name) => BUILT_IN_PARTS.includes(name));
  if (reserved !== undefined) {
    throw invalid(
      file,
      "services",
      `"${reserved}" is a built-in part of the stack; name the service differently`,
    );
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined)
    throw invalid(file, "services", `two services are named "${duplicate}"`);
}

/** Validates parsed JSON; `file` is only used to name the file in messages. */
export function parseStackConfig(json: unknown, file: string): StackConfig {
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const more =
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : "";
    throw invalid(file, formatPath(issue.path), `${issue.message}${more}`);
  }
  checkReferences(result.data, file);
  return result.data;
}

export async function loadStackConfig(path: string): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch {
    throw new StackError(`Stack config ${path} was not found: create it or pass --config PATH.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(
      path,
      "",
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return { config: parseStackConfig(json, path), baseDir: dirname(absolute), path: absolute };
}
