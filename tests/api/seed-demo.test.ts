// `npm start`'s seed: demo accounts whose keys work, written 0600, and kept across restarts.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../support/api-client.js";
import { startTestStack, type TestStack } from "../support/stack.js";

const run = promisify(execFile);
let stack: TestStack;
let dataDir: string;

beforeAll(async () => {
  stack = await startTestStack({ seed: false });
  dataDir = await mkdtemp(join(tmpdir(), "wc-seed-"));
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function seed(): Promise<{
  buyer: { apiKey: string };
  seller: { apiKey: string };
  admin: { apiKey: string };
}> {
  await run(process.execPath, ["dist/functions/scripts/seed-demo.js"], {
    env: {
      ...process.env,
      COSMOS_ENDPOINT: stack.cosmosEndpoint,
      COSMOS_KEY: stack.cosmosKey,
      AzureWebJobsStorage: stack.storageConnectionString,
      API_URL: stack.apiUrl,
      WC_DATA_DIR: dataDir,
    },
  });
  return JSON.parse(await readFile(join(dataDir, "demo-accounts.json"), "utf8"));
}

it("creates a demo buyer, seller and admin whose keys work, in a 0600 file, and reuses them on the next start", async () => {
  const first = await seed();
  expect((await stat(join(dataDir, "demo-accounts.json"))).mode & 0o777).toBe(0o600);
  for (const role of ["buyer", "seller", "admin"] as const) {
    const me = await api<{ roles: string[] }>(stack.apiUrl, "GET", "/api/me", {
      key: first[role].apiKey,
    });
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual([role]);
  }
  const second = await seed();
  expect(second.buyer.apiKey).toBe(first.buyer.apiKey);
  expect(second.admin.apiKey).toBe(first.admin.apiKey);
});
