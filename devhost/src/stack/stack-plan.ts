// Pure decisions the stack makes before starting anything: which ports each part gets, which
// parts are replaced by services the user points at, and the values config strings may use.
import type { ServiceConfig } from "./config.js";
import { StackError } from "./stack-error.js";

/** A port one part of the stack listens on. `key` is its stack value name (e.g. HOST_PORT). */
export interface PortSpec {
  key: string;
  part: string;
  envVar: string;
  defaultPort: number;
}

/** Prefix of the environment variables that move the built-in parts' ports, e.g. WC_HOST_PORT. */
export function corePortSpecs(envPrefix: string): PortSpec[] {
  return [
    {
      key: "AZURITE_BLOB_PORT",
      part: "Azurite blob service",
      envVar: `${envPrefix}AZURITE_BLOB_PORT`,
      defaultPort: 10000,
    },
    {
      key: "AZURITE_QUEUE_PORT",
      part: "Azurite queue service",
      envVar: `${envPrefix}AZURITE_QUEUE_PORT`,
      defaultPort: 10001,
    },
    {
      key: "AZURITE_TABLE_PORT",
      part: "Azurite table service",
      envVar: `${envPrefix}AZURITE_TABLE_PORT`,
      defaultPort: 10002,
    },
    {
      key: "COSMOS_PORT",
      part: "Cosmos DB server",
      envVar: `${envPrefix}COSMOS_PORT`,
      defaultPort: 8081,
    },
    { key: "HOST_PORT", part: "function host", envVar: `${envPrefix}HOST_PORT`, defaultPort: 7071 },
  ];
}

export function servicePortSpecs(services: readonly ServiceConfig[]): PortSpec[] {
  return services.flatMap((service) =>
    service.port
      ? [
          {
            key: service.port.name,
            part: `service "${service.name}"`,
            envVar: service.port.env,
            defaultPort: service.port.default,
          },
        ]
      : [],
  );
}

/**
 * Port per spec key: the spec's environment variable when set, else a free port from `free`
 * (with --free-ports), else the default.
 */
export function resolvePorts(
  specs: readonly PortSpec[],
  env: Readonly<Record<string, string | undefined>>,
  free: readonly number[] = [],
): Record<string, number> {
  const ports: Record<string, number> = {};
  let nextFree = 0;
  for (const spec of specs) {
    const fromEnv = env[spec.envVar];
    if (fromEnv !== undefined && fromEnv !== "") {
      const port = Number(fromEnv);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new StackError(
          `${spec.envVar}=${fromEnv} is not a port number: set it to a number from 1 to 65535, or unset it.`,
        );
      }
      ports[spec.key] = port;
    } else {
      ports[spec.key] = free[nextFree++] ?? spec.defaultPort;
    }
  }
  return ports;
}

/** How many specs have no environment override (the ones --free-ports must fill). */
export function unsetPortCount(
  specs: readonly PortSpec[],
  env: Readonly<Record<string, string | undefined>>,
): number {
  return specs.filter((spec) => !env[spec.envVar]).length;
}

const DEV_STORAGE = "usedevelopmentstorage=true";

/** Parts the user replaced with their own services through the environment. */
export interface ExternalParts {
  cosmos?: { endpoint: string; key: string };
  storageConnectionString?: string;
}

export function externalParts(env: Readonly<Record<string, string | undefined>>): ExternalParts {
  const parts: ExternalParts = {};
  const endpoint = env.COSMOS_ENDPOINT;
  const key = env.COSMOS_KEY;
  if (endpoint && key) parts.cosmos = { endpoint, key };
  else if (endpoint || key) {
    const [set, missing] = endpoint
      ? ["COSMOS_ENDPOINT", "COSMOS_KEY"]
      : ["COSMOS_KEY", "COSMOS_ENDPOINT"];
    throw new StackError(
      `${set} is set but ${missing} is not: set both to use your own Cosmos DB, or unset ${set} to use the embedded server.`,
    );
  }
  const storage = env.AzureWebJobsStorage;
  if (storage && storage.replace(/[\s;]/g, "").toLowerCase() !== DEV_STORAGE)
    parts.storageConnectionString = storage;
  return parts;
}

/** Azurite's well-known development account; public by design, not a secret. */
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export function azuriteConnectionString(
  host: string,
  ports: Readonly<Record<string, number>>,
): string {
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=http://${host}:${ports.AZURITE_BLOB_PORT}/${AZURITE_ACCOUNT}`,
    `QueueEndpoint=http://${host}:${ports.AZURITE_QUEUE_PORT}/${AZURITE_ACCOUNT}`,
    `TableEndpoint=http://${host}:${ports.AZURITE_TABLE_PORT}/${AZURITE_ACCOUNT}`,
  ].join(";");
}

/** The Cosmos DB emulator's well-known key; the embedded server accepts any key. */
export const EMULATOR_COSMOS_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

export interface StackEndpoints {
  storageConnectionString: string;
  cosmosEndpoint: string;
  cosmosKey: string;
  cosmosDatabase: string;
  apiUrl: string;
  dataDir: string;
  rootDir: string;
}

/** Values for `${NAME}` in config strings. */
export function stackValues(
  endpoints: StackEndpoints,
  ports: Readonly<Record<string, number>>,
): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(ports).map(([key, port]) => [key, String(port)])),
    API_URL: endpoints.apiUrl,
    DATA_DIR: endpoints.dataDir,
    ROOT_DIR: endpoints.rootDir,
    AZURE_STORAGE_CONNECTION_STRING: endpoints.storageConnectionString,
    COSMOS_ENDPOINT: endpoints.cosmosEndpoint,
    COSMOS_KEY: endpoints.cosmosKey,
    COSMOS_DATABASE: endpoints.cosmosDatabase,
  };
}

/** Environment every child of the stack gets on top of the launcher's own. */
export function stackEnv(endpoints: StackEndpoints): Record<string, string> {
  return {
    AzureWebJobsStorage: endpoints.storageConnectionString,
    AZURE_STORAGE_CONNECTION_STRING: endpoints.storageConnectionString,
    COSMOS_ENDPOINT: endpoints.cosmosEndpoint,
    COSMOS_KEY: endpoints.cosmosKey,
    COSMOS_DATABASE: endpoints.cosmosDatabase,
    API_URL: endpoints.apiUrl,
  };
}
