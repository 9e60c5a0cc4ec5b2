// Offline checks of infra/: every file is valid Bicep syntax, and the files agree with each other
// (module paths, parameters, abbreviations). `azd provision --preview` is the full check on Azure.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  bicepFiles,
  declarations,
  declaredValue,
  infraDir,
  moduleSource,
  nodesOfType,
  objectProperties,
  parseBicep,
  parseBicepSource,
  stringValue,
  syntaxErrors,
} from "./bicep-tree.js";

const mainBicep = join(infraDir, "main.bicep");
const files = bicepFiles();

describe("Bicep syntax", () => {
  it("finds the Bicep files", () => {
    expect(files.map((file) => relative(infraDir, file)).sort()).toEqual(
      ["app/api.bicep", "app/db.bicep", "app/rbac.bicep", "main.bicep"].sort(),
    );
  });

  it.each(files.map((file) => [relative(infraDir, file), file]))(
    "%s parses with no errors",
    async (_name, file) => {
      expect(syntaxErrors(await parseBicep(file))).toEqual([]);
    },
  );

  it("reports broken Bicep, so the check above can fail", async () => {
    const unclosed = "param name string\nmodule m './x.bicep' = {\n  params: {\n    name: name\n";
    expect(syntaxErrors(await parseBicepSource(unclosed)).length).toBeGreaterThan(0);
  });
});

describe("Bicep modules", () => {
  it("resolves every local module path and pins every registry module to a version", async () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of files) {
      for (const source of [...declarations(await parseBicep(file), "module").values()].map(
        moduleSource,
      )) {
        count += 1;
        const where = `${source} in ${relative(infraDir, file)}`;
        if (source.startsWith("br/")) {
          if (!/^br\/public:avm\/res\/[a-z-]+\/[a-z-]+:\d+\.\d+\.\d+$/.test(source))
            problems.push(`unpinned ${where}`);
        } else if (!existsSync(resolve(dirname(file), source))) {
          problems.push(`missing ${where}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(9);
  });
});

describe("main.bicep and its inputs", () => {
  it("deploys at subscription scope", async () => {
    const root = await parseBicep(mainBicep);
    const scope = nodesOfType(root, "target_scope_assignment")[0];
    expect(stringValue(scope?.namedChildren[0])).toBe("subscription");
  });

  it("declares every parameter main.parameters.json sets, and gets every required one from it", async () => {
    const params = declarations(await parseBicep(mainBicep), "parameter");
    const file: { parameters: Record<string, { value: string }> } = JSON.parse(
      readFileSync(join(infraDir, "main.parameters.json"), "utf8"),
    );
    const supplied = Object.keys(file.parameters);
    expect(supplied.filter((name) => !params.has(name))).toEqual([]);
    // A parameter without a default value has exactly two named children: its name and its type.
    const required = [...params]
      .filter(([, node]) => node.namedChildren.length === 2)
      .map(([name]) => name);
    expect(required.sort()).toEqual(["environmentName", "location"]);
    expect(required.filter((name) => !supplied.includes(name))).toEqual([]);
    expect(file.parameters.principalId?.value).toBe("${AZURE_PRINCIPAL_ID}");
  });

  it("uses only abbreviations that abbreviations.json defines", async () => {
    const root = await parseBicep(mainBicep);
    const abbreviations: Record<string, string> = JSON.parse(
      readFileSync(join(infraDir, "abbreviations.json"), "utf8"),
    );
    const used = nodesOfType(root, "member_expression")
      .filter((node) => node.childForFieldName("object")?.text === "abbrs")
      .map((node) => node.childForFieldName("property")?.text ?? "");
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((key) => !(key in abbreviations))).toEqual([]);
  });

  it("tags the API and the web app with the azd service names azure.yaml deploys", async () => {
    const tagged = new Set<string>();
    for (const file of files) {
      for (const property of nodesOfType(await parseBicep(file), "object_property")) {
        const [key, value] = property.namedChildren;
        if (key && stringValue(key) === "azd-service-name") {
          // The value is either a literal or the api module's serviceName parameter (default 'api').
          tagged.add(stringValue(value) ?? "api");
        }
      }
    }
    const azureYaml = readFileSync(join(infraDir, "..", "azure.yaml"), "utf8");
    const services = [...azureYaml.matchAll(/^ {2}([a-z]+):\n(?: {4}#.*\n)* {4}project:/gm)].map(
      (m) => m[1],
    );
    expect(services.sort()).toEqual(["api", "web"]);
    expect([...tagged].sort()).toEqual(services.sort());
  });

  it("outputs API_BASE_URL, which the web build reads in azure.yaml", async () => {
    const outputs = declarations(await parseBicep(mainBicep), "output");
    for (const name of ["API_BASE_URL", "AZURE_FUNCTION_NAME", "COSMOS_ENDPOINT", "WEB_URL"]) {
      expect(outputs.has(name), name).toBe(true);
    }
    expect(readFileSync(join(infraDir, "..", "azure.yaml"), "utf8")).toContain(
      'VITE_API_BASE_URL="$API_BASE_URL"',
    );
  });

  it("keeps the api module's settings object literal, so the settings tests can read it", async () => {
    const api = [...declarations(await parseBicep(mainBicep), "module").values()].find(
      (module) => moduleSource(module) === "./app/api.bicep",
    );
    expect(api).toBeDefined();
    const params = objectProperties(objectProperties(declaredValue(api!)).get("params")!);
    expect(params.get("appSettings")?.type).toBe("object");
  });
});
