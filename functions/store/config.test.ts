import { DefaultAzureCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import {
  azureCredential,
  cosmosClientOptions,
  createBlobServiceClient,
  createQueueServiceClient,
} from "./clients.js";
import { ConfigError, loadConfig } from "./config.js";
import { queueSasSigningFor } from "./queue-access.js";

// Azurite's and the Cosmos emulator's published development keys: public, not secrets.
const AZURITE =
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1";
const EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

const local = {
  COSMOS_ENDPOINT: "http://127.0.0.1:8081",
  COSMOS_KEY: EMULATOR_KEY,
  AzureWebJobsStorage: AZURITE,
};

const onAzure = {
  COSMOS_ENDPOINT: "https://cosmos-abc.documents.azure.com:443/",
  COSMOS_DATABASE: "wastecompute",
  AZURE_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  AzureWebJobsStorage__credential: "managedidentity",
  AzureWebJobsStorage__clientId: "11111111-2222-3333-4444-555555555555",
  AzureWebJobsStorage__blobServiceUri: "https://stabc.blob.core.windows.net/",
  AzureWebJobsStorage__queueServiceUri: "https://stabc.queue.core.windows.net/",
  AzureWebJobsStorage__tableServiceUri: "https://stabc.table.core.windows.net/",
  WC_PUBLIC_API_URL: "https://func-api-abc.azurewebsites.net/api/",
};

function without(env: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));
}

describe("loadConfig", () => {
  it("uses the Cosmos key and the storage connection string on a developer machine", () => {
    const config = loadConfig(local);
    expect(config.cosmos).toEqual({
      endpoint: "http://127.0.0.1:8081",
      database: "wastecompute",
      auth: { kind: "key", key: EMULATOR_KEY },
    });
    expect(config.storage).toEqual({ kind: "connectionString", connectionString: AZURITE });
    expect(config.publicApiUrl).toBeUndefined();
  });

  it("uses the managed identity for Cosmos and Storage when no key or connection string is set", () => {
    const config = loadConfig(onAzure);
    expect(config.cosmos.auth).toEqual({ kind: "identity", clientId: onAzure.AZURE_CLIENT_ID });
    expect(config.storage).toEqual({
      kind: "identity",
      blobServiceUri: onAzure.AzureWebJobsStorage__blobServiceUri,
      queueServiceUri: onAzure.AzureWebJobsStorage__queueServiceUri,
      tableServiceUri: onAzure.AzureWebJobsStorage__tableServiceUri,
      clientId: onAzure.AzureWebJobsStorage__clientId,
    });
    expect(config.publicApiUrl).toBe("https://func-api-abc.azurewebsites.net/api");
  });

  it("treats empty values as unset, so a blank COSMOS_KEY means identity", () => {
    const config = loadConfig({ ...onAzure, COSMOS_KEY: "  ", COSMOS_DATABASE: "" });
    expect(config.cosmos.auth.kind).toBe("identity");
    expect(config.cosmos.database).toBe("wastecompute");
  });

  it("names COSMOS_ENDPOINT when it is missing", () => {
    const env = without(local, "COSMOS_ENDPOINT");
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/COSMOS_ENDPOINT/);
  });

  it("names COSMOS_ENDPOINT when it is not a URL", () => {
    expect(() => loadConfig({ ...local, COSMOS_ENDPOINT: "cosmos" })).toThrow(/COSMOS_ENDPOINT/);
  });

  it("names AzureWebJobsStorage when no storage setting exists at all", () => {
    const env = without(local, "AzureWebJobsStorage");
    expect(() => loadConfig(env)).toThrow(/AzureWebJobsStorage is required/);
  });

  it("names the one identity-based storage URI that is missing", () => {
    const env = without(onAzure, "AzureWebJobsStorage__tableServiceUri");
    expect(() => loadConfig(env)).toThrow(/^AzureWebJobsStorage__tableServiceUri is required/);
  });

  it("refuses a storage credential kind the host would not understand", () => {
    expect(() => loadConfig({ ...onAzure, AzureWebJobsStorage__credential: "secret" })).toThrow(
      /AzureWebJobsStorage__credential/,
    );
  });
});

describe("Azure clients from the configuration", () => {
  it("authenticates Cosmos with the key locally and with DefaultAzureCredential on Azure", () => {
    const withKey = cosmosClientOptions(loadConfig(local).cosmos);
    expect(withKey.key).toBe(EMULATOR_KEY);
    expect(withKey.aadCredentials).toBeUndefined();

    expect(withKey.connectionPolicy?.enableEndpointDiscovery).toBe(false);

    const withIdentity = cosmosClientOptions(loadConfig(onAzure).cosmos);
    expect(withIdentity.connectionPolicy).toBeUndefined();
    expect(withIdentity.key).toBeUndefined();
    expect(withIdentity.aadCredentials).toBeInstanceOf(DefaultAzureCredential);
    expect(withIdentity.endpoint).toBe(onAzure.COSMOS_ENDPOINT);
  });

  it("shares one credential per managed identity client id", () => {
    expect(azureCredential("a")).toBe(azureCredential("a"));
    expect(azureCredential("a")).not.toBe(azureCredential("b"));
  });

  it("signs storage requests with the account key from a connection string", () => {
    const storage = loadConfig(local).storage;
    const queues = createQueueServiceClient(storage);
    expect(queues.url).toBe("http://127.0.0.1:10001/devstoreaccount1");
    // Only a shared-key client can sign an account SAS: this proves which credential it holds.
    expect(queues.generateAccountSasUrl(new Date(Date.now() + 60_000))).toContain("sig=");
    expect(queueSasSigningFor(storage)).toBe("shared-key");
  });

  it("accepts the UseDevelopmentStorage=true shorthand of local.settings.json", () => {
    const storage = loadConfig({
      ...local,
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
    }).storage;
    const queues = createQueueServiceClient(storage);
    expect(queues.url).toBe("http://127.0.0.1:10001/devstoreaccount1");
    expect(queues.generateAccountSasUrl(new Date(Date.now() + 60_000))).toContain("sig=");
  });

  it("uses the managed identity for storage on Azure, with no key to sign with", () => {
    const storage = loadConfig(onAzure).storage;
    const queues = createQueueServiceClient(storage);
    const blobs = createBlobServiceClient(storage);
    expect(queues.url).toBe("https://stabc.queue.core.windows.net/");
    expect(blobs.url).toBe("https://stabc.blob.core.windows.net/");
    expect(() => queues.generateAccountSasUrl(new Date(Date.now() + 60_000))).toThrow(
      /shared key/i,
    );
    expect(queueSasSigningFor(storage)).toBe("user-delegation");
  });
});
