import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  configPath,
  envConfig,
  loadConfig,
  mergeConfig,
  readConfigFile,
  requireFields,
  writeConfigFile,
} from "./config.js";

const tempDir = () => mkdtemp(join(tmpdir(), "wc-agent-config-"));

describe("agent config", () => {
  it("flags win over environment, environment over file", async () => {
    const dir = await tempDir();
    const path = join(dir, "agent.json");
    await writeConfigFile(path, {
      apiUrl: "http://file.test",
      slots: 1,
      name: "from-file",
      region: "eu",
    });
    const { config } = await loadConfig(
      { slots: 4 },
      { WC_AGENT_CONFIG: path, WC_SLOTS: "2", WC_NODE_NAME: "from-env" },
    );
    expect(config).toMatchObject({
      apiUrl: "http://file.test",
      slots: 4,
      name: "from-env",
      region: "eu",
    });
  });

  it("writes the file with mode 0600 and reads it back", async () => {
    const dir = await tempDir();
    const path = join(dir, "nested", "agent.json");
    await writeConfigFile(path, { nodeId: "n1", nodeToken: "t" });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readConfigFile(path)).toEqual({ nodeId: "n1", nodeToken: "t" });
  });

  it("a missing file is an empty config", async () => {
    expect(await readConfigFile(join(await tempDir(), "absent.json"))).toEqual({});
  });

  it("a corrupt file is a ConfigError that names the file and exits 2", async () => {
    const path = join(await tempDir(), "agent.json");
    await writeFile(path, "{ not json");
    const error = await readConfigFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(path);
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it("a file with a wrongly typed field names the field", async () => {
    const path = join(await tempDir(), "agent.json");
    await writeFile(path, JSON.stringify({ slots: "many" }));
    await expect(readConfigFile(path)).rejects.toThrow(/slots/);
  });

  it("a malformed environment variable is named", () => {
    expect(() => envConfig({ WC_SLOTS: "zero" })).toThrow(/WC_SLOTS/);
  });

  it("undefined flags never override, and the default path honours WC_AGENT_CONFIG", () => {
    expect(mergeConfig({ slots: 2 }, { slots: undefined })).toEqual({ slots: 2 });
    expect(configPath({ WC_AGENT_CONFIG: "/x/y.json" })).toBe("/x/y.json");
    expect(configPath({}, "/home/u")).toBe("/home/u/.config/wastecompute/agent.json");
  });

  it("requireFields lists every missing field", () => {
    expect(() =>
      requireFields(
        { apiUrl: "http://a" },
        ["apiUrl", "nodeId", "nodeToken"],
        "run register first",
      ),
    ).toThrow("missing nodeId, nodeToken — run register first");
  });

  it("never leaves a temp file behind", async () => {
    const dir = await tempDir();
    const path = join(dir, "agent.json");
    await writeConfigFile(path, { slots: 1 });
    await writeConfigFile(path, { slots: 2 });
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ slots: 2 });
  });
});
