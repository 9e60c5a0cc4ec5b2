// Holds the Bicep to what the code and the local stack expect: every setting config.ts reads is set
// on the Function App (or is local-only), and every container the local stack creates exists on Azure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node } from "web-tree-sitter";
import { beforeAll, describe, expect, it } from "vitest";
import { CONFIG_ENV_VARS, LOCAL_ONLY_ENV_VARS } from "../../functions/store/config.js";
import {
  declarations,
  declaredValue,
  infraDir,
  moduleSource,
  nodesOfType,
  objectProperties,
  parseBicep,
  propertyPath,
  repoRoot,
  stringValue,
} from "./bicep-tree.js";

interface StackFile {
  cosmos: { database: string; containers: Array<{ id: string; partitionKey: string }> };
  storage: { queues: string[]; tables: string[]; blobContainers: string[] };
}

const stack: StackFile = JSON.parse(readFileSync(join(repoRoot, "devhost.stack.json"), "utf8"));

let main: Node;
let api: Node;
let db: Node;
let rbac: Node;

beforeAll(async () => {
  [main, api, db, rbac] = await Promise.all(
    ["main.bicep", "app/api.bicep", "app/db.bicep", "app/rbac.bicep"].map((file) =>
      parseBicep(join(infraDir, file)),
    ),
  );
});

function moduleParams(root: Node, source: string): Map<string, Node> {
  const module = [...declarations(root, "module").values()].find((m) => moduleSource(m) === source);
  if (!module) throw new Error(`no module ${source}`);
  return objectProperties(propertyPath(declaredValue(module), "params"));
}

function arrayItems(node: Node): Node[] {
  if (node.type !== "array") throw new Error(`expected an array, got ${node.type}`);
  return node.namedChildren.filter(
    (child): child is Node => child !== null && child.type !== "comment",
  );
}

/**
 * The Function App's app settings: api.bicep passes `union(a, b, ...)` to the site; each argument is
 * either a variable of api.bicep or a parameter that main.bicep fills with an object literal.
 */
function functionAppSettings(): Map<string, Node> {
  const site = [...declarations(api, "module").values()].find((m) =>
    moduleSource(m).includes("avm/res/web/site:"),
  );
  if (!site) throw new Error("api.bicep deploys no web/site module");
  const union = propertyPath(declaredValue(site), "params.appSettingsKeyValuePairs");
  expect(union.type).toBe("call_expression");
  const args = union.childForFieldName("arguments")?.namedChildren ?? [];
  const variables = declarations(api, "variable");
  const fromMain = moduleParams(main, "./app/api.bicep");
  const settings = new Map<string, Node>();
  for (const arg of args) {
    if (arg === null) continue;
    const source = variables.has(arg.text)
      ? declaredValue(variables.get(arg.text)!)
      : fromMain.get(arg.text);
    if (!source) throw new Error(`cannot resolve app settings argument ${arg.text}`);
    for (const [key, value] of objectProperties(source)) settings.set(key, value);
  }
  return settings;
}

describe("Function App settings", () => {
  it("sets every variable config.ts reads, except the local-only ones", () => {
    const settings = functionAppSettings();
    const expected = CONFIG_ENV_VARS.filter((name) => !LOCAL_ONLY_ENV_VARS.includes(name));
    expect(expected.filter((name) => !settings.has(name))).toEqual([]);
  });

  it("sets no key or connection string: keys are disabled on Azure", () => {
    const settings = functionAppSettings();
    expect(LOCAL_ONLY_ENV_VARS.filter((name) => settings.has(name))).toEqual([]);
    expect(
      [...settings.keys()].filter(
        (name) =>
          /KEY|CONNECTION_STRING$/.test(name) && name !== "APPLICATIONINSIGHTS_CONNECTION_STRING",
      ),
    ).toEqual([]);
  });

  it("connects the host to Storage with the managed identity and sends telemetry with it", () => {
    const settings = functionAppSettings();
    expect(stringValue(settings.get("AzureWebJobsStorage__credential"))).toBe("managedidentity");
    expect(settings.get("AzureWebJobsStorage__clientId")?.text).toBe("identityClientId");
    expect(settings.get("AZURE_CLIENT_ID")?.text).toBe("apiIdentity.outputs.clientId");
    expect(settings.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")?.text).toContain(
      "Authorization=AAD",
    );
  });

  it("runs Node 22 on Flex Consumption with identity-based deployment storage", () => {
    const site = [...declarations(api, "module").values()].find((m) =>
      moduleSource(m).includes("avm/res/web/site:"),
    )!;
    const config = propertyPath(declaredValue(site), "params.functionAppConfig");
    expect(stringValue(propertyPath(config, "runtime.name"))).toBe("node");
    expect(stringValue(propertyPath(config, "runtime.version"))).toBe("22");
    expect(stringValue(propertyPath(config, "deployment.storage.authentication.type"))).toBe(
      "UserAssignedIdentity",
    );
    const plan = moduleParams(main, "br/public:avm/res/web/serverfarm:0.1.1");
    expect(stringValue(propertyPath(plan.get("sku")!, "name"))).toBe("FC1");
  });
});

describe("data stores match the local stack (devhost.stack.json)", () => {
  it("creates every Cosmos container with the same partition key", () => {
    const containers = arrayItems(
      declaredValue(declarations(db, "variable").get("containers")!),
    ).map((item) => {
      const props = objectProperties(item);
      return {
        id: stringValue(props.get("name")),
        partitionKey: stringValue(props.get("partitionKey")),
      };
    });
    const byId = (a: { id?: string }, b: { id?: string }) => (a.id ?? "").localeCompare(b.id ?? "");
    expect(containers.sort(byId)).toEqual([...stack.cosmos.containers].sort(byId));
  });

  it("names the database the same way", () => {
    const param = declarations(main, "parameter").get("cosmosDatabaseName")!;
    expect(stringValue(declaredValue(param))).toBe(stack.cosmos.database);
  });

  it("creates every blob container, and the stack asks for no queue or table the Bicep lacks", () => {
    const blobContainers = arrayItems(
      declaredValue(declarations(main, "variable").get("appBlobContainers")!),
    ).map((item) => stringValue(item));
    expect(stack.storage.blobContainers.filter((name) => !blobContainers.includes(name))).toEqual(
      [],
    );
    // Node queues are created on demand and Durable makes its own; fixed ones would need Bicep.
    expect(stack.storage.queues).toEqual([]);
    expect(stack.storage.tables).toEqual([]);
  });
});

describe("security posture", () => {
  it("disables shared keys on Storage and local auth on Cosmos DB and Application Insights", () => {
    const storage = moduleParams(main, "br/public:avm/res/storage/storage-account:0.8.3");
    expect(storage.get("allowSharedKeyAccess")?.text).toBe("false");
    expect(storage.get("allowBlobPublicAccess")?.text).toBe("false");
    const account = declaredValue(declarations(db, "resource").get("account")!);
    expect(propertyPath(account, "properties.disableLocalAuth").text).toBe("true");
    const insights = moduleParams(main, "br/public:avm/res/insights/component:0.6.0");
    expect(insights.get("disableLocalAuth")?.text).toBe("true");
  });

  it("grants the identity the data roles it needs, including the queue delegator for agent SAS", () => {
    const roles = arrayItems(
      declaredValue(declarations(rbac, "variable").get("storageRoleIds")!),
    ).map((item) => stringValue(item));
    expect(roles.sort()).toEqual(
      [
        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
        "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
        "7ee386e9-84f0-448e-80a6-f185f6533131", // Storage Queue Delegator
        "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
      ].sort(),
    );
    const cosmosRole = declarations(rbac, "variable").get("cosmosDataContributor")!;
    expect(stringValue(declaredValue(cosmosRole))).toBe("00000000-0000-0000-0000-000000000002");
    expect(
      nodesOfType(rbac, "resource_declaration")
        .map((r) => r.text)
        .join("\n"),
    ).toContain("sqlRoleAssignments");
  });
});
