// The Function App's settings, read from the environment once and validated, so a missing or
// malformed setting stops start-up with a message that names it instead of failing on first use.
import { z } from "zod";

/** Cosmos DB account reached with the account key (emulator, embedded server) or with Entra ID. */
export type CosmosAuth = { kind: "key"; key: string } | { kind: "identity"; clientId?: string };

export interface CosmosConfig {
  endpoint: string;
  database: string;
  auth: CosmosAuth;
}

/**
 * Storage as the Functions host sees it: one `AzureWebJobsStorage` connection string locally
 * (Azurite), or the identity-based `AzureWebJobsStorage__*` service URIs on Azure.
 */
export type StorageConfig =
  | { kind: "connectionString"; connectionString: string }
  | {
      kind: "identity";
      blobServiceUri: string;
      queueServiceUri: string;
      tableServiceUri: string;
      /** Client id of the user-assigned managed identity; absent means the default credential chain. */
      clientId?: string;
    };

export interface AppConfig {
  cosmos: CosmosConfig;
  storage: StorageConfig;
  /** Public base URL of the API (e.g. https://func-x.azurewebsites.net/api), used in links we hand out. */
  publicApiUrl?: string;
}

/** Settings that exist only on a developer machine; on Azure identity replaces them. */
export const LOCAL_ONLY_ENV_VARS: readonly string[] = ["COSMOS_KEY", "AzureWebJobsStorage"];

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();
const url = z.url({ protocol: /^https?$/ });
const optionalUrl = optionalText.pipe(url.optional());

const EnvSchema = z.object({
  COSMOS_ENDPOINT: z.string({ error: "is required" }).trim().pipe(url),
  COSMOS_KEY: optionalText,
  COSMOS_DATABASE: optionalText.transform((value) => value ?? "wastecompute"),
  AZURE_CLIENT_ID: optionalText,
  AzureWebJobsStorage: optionalText,
  AzureWebJobsStorage__blobServiceUri: optionalUrl,
  AzureWebJobsStorage__queueServiceUri: optionalUrl,
  AzureWebJobsStorage__tableServiceUri: optionalUrl,
  AzureWebJobsStorage__credential: optionalText.pipe(z.literal("managedidentity").optional()),
  AzureWebJobsStorage__clientId: optionalText,
  WC_PUBLIC_API_URL: optionalUrl,
});
type Env = z.infer<typeof EnvSchema>;

/** Every environment variable this module reads, so tests can hold the Bicep app settings to it. */
export const CONFIG_ENV_VARS: readonly string[] = EnvSchema.keyof().options;

const IDENTITY_STORAGE_URIS = [
  "AzureWebJobsStorage__blobServiceUri",
  "AzureWebJobsStorage__queueServiceUri",
  "AzureWebJobsStorage__tableServiceUri",
] as const;

function storageFrom(env: Env): StorageConfig {
  if (env.AzureWebJobsStorage !== undefined) {
    return { kind: "connectionString", connectionString: env.AzureWebJobsStorage };
  }
  const blobServiceUri = env.AzureWebJobsStorage__blobServiceUri;
  const queueServiceUri = env.AzureWebJobsStorage__queueServiceUri;
  const tableServiceUri = env.AzureWebJobsStorage__tableServiceUri;
  if (
    blobServiceUri !== undefined &&
    queueServiceUri !== undefined &&
    tableServiceUri !== undefined
  ) {
    const clientId = env.AzureWebJobsStorage__clientId ?? env.AZURE_CLIENT_ID;
    return {
      kind: "identity",
      blobServiceUri,
      queueServiceUri,
      tableServiceUri,
      ...(clientId === undefined ? {} : { clientId }),
    };
  }
  const missing = IDENTITY_STORAGE_URIS.filter((name) => env[name] === undefined);
  if (missing.length === IDENTITY_STORAGE_URIS.length) {
    throw new ConfigError(
      `AzureWebJobsStorage is required (a connection string), or the identity-based ${IDENTITY_STORAGE_URIS.join(", ")}`,
    );
  }
  throw new ConfigError(`${missing.join(", ")} is required for identity-based storage`);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join(".") || "(environment)"}: ${issue.message}`)
    .join("; ");
}

/** Reads and validates the settings from `env`; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(`Invalid configuration: ${describeIssues(parsed.error)}`);
  const values = parsed.data;
  const cosmosAuth: CosmosAuth =
    values.COSMOS_KEY !== undefined
      ? { kind: "key", key: values.COSMOS_KEY }
      : {
          kind: "identity",
          ...(values.AZURE_CLIENT_ID === undefined ? {} : { clientId: values.AZURE_CLIENT_ID }),
        };
  return {
    cosmos: {
      endpoint: values.COSMOS_ENDPOINT,
      database: values.COSMOS_DATABASE,
      auth: cosmosAuth,
    },
    storage: storageFrom(values),
    ...(values.WC_PUBLIC_API_URL === undefined
      ? {}
      : { publicApiUrl: values.WC_PUBLIC_API_URL.replace(/\/+$/, "") }),
  };
}

let cached: AppConfig | undefined;

/** The process-wide configuration, read from process.env on first use. */
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
