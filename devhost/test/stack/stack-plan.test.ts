import { describe, expect, it } from "vitest";
import { valueAtPointer } from "../../src/stack/json-values.js";
import { nodeVersionProblem } from "../../src/stack/node-version.js";
import { StackError } from "../../src/stack/stack-error.js";
import {
  azuriteConnectionString,
  corePortSpecs,
  externalParts,
  resolvePorts,
  unsetPortCount,
} from "../../src/stack/stack-plan.js";
import { substitute } from "../../src/stack/substitute.js";

describe("port plan", () => {
  const specs = corePortSpecs("WC_");

  it("uses the defaults when nothing is set", () => {
    expect(resolvePorts(specs, {})).toEqual({
      AZURITE_BLOB_PORT: 10000,
      AZURITE_QUEUE_PORT: 10001,
      AZURITE_TABLE_PORT: 10002,
      COSMOS_PORT: 8081,
      HOST_PORT: 7071,
    });
  });

  it("lets the environment move a port and gives free ports to the rest", () => {
    const env = { WC_HOST_PORT: "9000" };
    expect(unsetPortCount(specs, env)).toBe(4);
    expect(resolvePorts(specs, env, [1, 2, 3, 4])).toEqual({
      AZURITE_BLOB_PORT: 1,
      AZURITE_QUEUE_PORT: 2,
      AZURITE_TABLE_PORT: 3,
      COSMOS_PORT: 4,
      HOST_PORT: 9000,
    });
  });

  it("names the variable when a port is not a number", () => {
    expect(() => resolvePorts(specs, { WC_COSMOS_PORT: "eighty" })).toThrow(
      /^WC_COSMOS_PORT=eighty is not a port number/,
    );
  });
});

describe("parts replaced through the environment", () => {
  it("keeps the embedded parts for the development-storage default", () => {
    expect(externalParts({ AzureWebJobsStorage: "UseDevelopmentStorage=true" })).toEqual({});
  });

  it("uses a real storage account and Cosmos DB when they are configured", () => {
    expect(
      externalParts({
        AzureWebJobsStorage: "DefaultEndpointsProtocol=https;AccountName=x",
        COSMOS_ENDPOINT: "https://c",
        COSMOS_KEY: "k",
      }),
    ).toEqual({
      storageConnectionString: "DefaultEndpointsProtocol=https;AccountName=x",
      cosmos: { endpoint: "https://c", key: "k" },
    });
  });

  it("refuses half a Cosmos configuration with one line saying what to set", () => {
    expect(() => externalParts({ COSMOS_ENDPOINT: "https://c" })).toThrow(StackError);
    expect(() => externalParts({ COSMOS_ENDPOINT: "https://c" })).toThrow(
      /COSMOS_ENDPOINT is set but COSMOS_KEY is not/,
    );
  });

  it("builds an Azurite connection string with explicit endpoints", () => {
    const text = azuriteConnectionString("127.0.0.1", {
      AZURITE_BLOB_PORT: 1,
      AZURITE_QUEUE_PORT: 2,
      AZURITE_TABLE_PORT: 3,
    });
    expect(text).toContain("BlobEndpoint=http://127.0.0.1:1/devstoreaccount1");
    expect(text).toContain("QueueEndpoint=http://127.0.0.1:2/devstoreaccount1");
    expect(text).toContain("TableEndpoint=http://127.0.0.1:3/devstoreaccount1");
  });
});

describe("placeholders", () => {
  it("substitutes known values and refuses unknown ones", () => {
    expect(substitute("http://x:${PORT}/${PORT}", { PORT: "1" })).toBe("http://x:1/1");
    expect(() => substitute("${NOPE}", {})).toThrow(/\$\{NOPE\} is not a stack value/);
  });
});

describe("Node version check", () => {
  it("accepts a new enough Node and explains how to fix an old one", () => {
    expect(nodeVersionProblem(">=20.19", "v20.19.0")).toBeUndefined();
    expect(nodeVersionProblem(">=20.19", "v22.1.0")).toBeUndefined();
    expect(nodeVersionProblem(">=20.19", "v20.18.3")).toBe(
      "Node 20.18.3 is older than this project needs (>=20.19): install Node 20.19.0 or newer (e.g. `nvm install 20`) and run again.",
    );
    expect(nodeVersionProblem("^20 || ^22", "v18.0.0")).toBeUndefined();
  });
});

describe("JSON pointers", () => {
  it("finds strings and numbers, unescapes ~1 and ~0, and refuses other types", () => {
    const document = {
      seller: { apiKey: "k" },
      "a/b": { "c~d": 7 },
      list: ["x"],
      nested: { o: {} },
    };
    expect(valueAtPointer(document, "/seller/apiKey")).toBe("k");
    expect(valueAtPointer(document, "/a~1b/c~0d")).toBe("7");
    expect(valueAtPointer(document, "/list/0")).toBe("x");
    expect(valueAtPointer(document, "/nested/o")).toBeUndefined();
    expect(valueAtPointer(document, "/missing/deeper")).toBeUndefined();
  });
});
