// Agent configuration from file, environment and flags (flags win over env, env over file).
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { OwnerPolicySchema, QueueAccessSchema } from "@wastecompute/contracts";
import { z } from "zod";

export const CONFIG_FILE_MODE = 0o600;
export const DEFAULT_KILL_GRACE_SEC = 10;
export const DEFAULT_DRAIN_DEADLINE_SEC = 300;
/** Default cap on one job's stored output (buildkite uses 1 GiB; our logs live in a blob). */
export const DEFAULT_OUTPUT_CAP_BYTES = 100 * 1024 * 1024;

/** Everything the agent can be configured with; every field optional until a command needs it. */
export const AgentConfigSchema = z
  .object({
    apiUrl: z.url(),
    nodeId: z.string().min(1),
    nodeToken: z.string().min(1),
    queue: QueueAccessSchema,
    heartbeatIntervalSec: z.number().int().positive(),
    name: z.string().min(1).max(64),
    region: z.string().min(2).max(64),
    timeZone: z.string().min(1),
    slots: z.number().int().min(1).max(256),
    /** Unix user jobs run as (name or numeric uid). */
    runAs: z.string().min(1),
    policy: OwnerPolicySchema,
    stateDir: z.string().min(1),
    workRoot: z.string().min(1),
    killGraceSec: z.number().nonnegative(),
    drainDeadlineSec: z.number().nonnegative(),
    outputCapBytes: z.number().int().positive(),
  })
  .partial();
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

/** A configuration problem the CLI reports in one line with exit code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** `$WC_AGENT_CONFIG`, else `~/.config/wastecompute/agent.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env.WC_AGENT_CONFIG || join(home, ".config", "wastecompute", "agent.json");
}

/** Reads the config file; a missing file is an empty config, a corrupt one a ConfigError naming it. */
export async function readConfigFile(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isNodeError(error) && error.code === "ENOENT") return {};
    throw new ConfigError(
      `cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `config file ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix or delete it and register again`,
    );
  }
  const parsed = AgentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `config file ${path} is invalid: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "unknown problem"}`,
    );
  }
  return parsed.data;
}

/** Writes the config atomically with mode 0600 (it holds the node token). */
export async function writeConfigFile(path: string, config: AgentConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: CONFIG_FILE_MODE });
  await chmod(temp, CONFIG_FILE_MODE);
  await rename(temp, path);
}

const ENV_KEYS = {
  WC_API_URL: "apiUrl",
  WC_NODE_ID: "nodeId",
  WC_NODE_TOKEN: "nodeToken",
  WC_NODE_NAME: "name",
  WC_REGION: "region",
  WC_TIMEZONE: "timeZone",
  WC_SLOTS: "slots",
  WC_RUN_AS: "runAs",
  WC_STATE_DIR: "stateDir",
  WC_WORK_ROOT: "workRoot",
  WC_KILL_GRACE_SEC: "killGraceSec",
  WC_OUTPUT_CAP_BYTES: "outputCapBytes",
} as const satisfies Record<string, keyof AgentConfig>;
const NUMERIC_KEYS = new Set<keyof AgentConfig>(["slots", "killGraceSec", "outputCapBytes"]);

/** Config from `WC_*` environment variables; a malformed value is a ConfigError naming the variable. */
export function envConfig(env: NodeJS.ProcessEnv): AgentConfig {
  const raw: Record<string, string | number> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    raw[key] = NUMERIC_KEYS.has(key) ? Number(value) : value;
  }
  const parsed = AgentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0];
    const variable = Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0] ?? "WC_*";
    throw new ConfigError(
      `environment variable ${variable} is invalid: ${issue?.message ?? "unknown problem"}`,
    );
  }
  return parsed.data;
}

/** Layers configs: later ones win; an undefined field never overrides. */
export function mergeConfig(...layers: AgentConfig[]): AgentConfig {
  const merged: AgentConfig = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer) as Array<[keyof AgentConfig, unknown]>) {
      if (value === undefined) continue;
      Object.assign(merged, { [key]: value });
    }
  }
  return merged;
}

/** Default state dir, beside the user's home. */
export function defaultStateDir(home = homedir()): string {
  return join(home, ".local", "state", "wastecompute");
}

/** Default root of job work dirs: outside /root when root, so the job's unprivileged user can enter it. */
export function defaultWorkRoot(stateDir: string, uid = process.getuid?.() ?? -1): string {
  return uid === 0 ? "/var/lib/wastecompute/jobs" : join(stateDir, "jobs");
}

/** Loads file + env + flags for a command. */
export async function loadConfig(
  flags: AgentConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; config: AgentConfig; fileConfig: AgentConfig }> {
  const path = configPath(env);
  const fileConfig = await readConfigFile(path);
  return { path, fileConfig, config: mergeConfig(fileConfig, envConfig(env), flags) };
}

/** Narrows a config to the fields a command needs, or a ConfigError listing what is missing. */
export function requireFields<K extends keyof AgentConfig>(
  config: AgentConfig,
  keys: readonly K[],
  hint: string,
): AgentConfig & Required<Pick<AgentConfig, K>> {
  const missing = keys.filter((k) => config[k] === undefined);
  if (missing.length > 0) throw new ConfigError(`missing ${missing.join(", ")} — ${hint}`);
  return config as AgentConfig & Required<Pick<AgentConfig, K>>;
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
