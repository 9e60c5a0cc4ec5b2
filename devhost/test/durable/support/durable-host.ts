// Starts devhost with the Durable extension on the fixture app against a given Azurite, and wraps
// the HTTP calls the tests make.
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDurableExtension } from "../../../src/durable/index.js";
import { startHost, type RunningHost } from "../../../src/host.js";
import type { LogRecord } from "../../../src/logging.js";

const fixtureApp = fileURLToPath(new URL("../fixtures/durable-app", import.meta.url));
const repoNodeModules = fileURLToPath(new URL("../../../../node_modules", import.meta.url));

/**
 * A private copy of the fixture app: Node caches a module by path, so a second host in the same
 * process only registers the app's functions again when it loads them from a new path.
 */
async function copyOfFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "devhost-durable-app-"));
  await cp(fixtureApp, dir, { recursive: true });
  await symlink(repoNodeModules, join(dir, "node_modules"), "dir");
  return dir;
}

export interface StatusBody {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history?: { EventType: string; FunctionName?: string }[];
}

export interface DurableTestHost {
  host: RunningHost;
  logs: LogRecord[];
  /** fetch relative to the host origin. */
  call(path: string, init?: RequestInit): Promise<Response>;
  /** Starts an orchestration through the app's HTTP starter (df.getClient + startNew). */
  start(name: string, input?: unknown, instanceId?: string): Promise<string>;
  /** Status through the Durable HTTP API. */
  status(instanceId: string): Promise<{ code: number; body: StatusBody | undefined }>;
  /** Polls until the instance reaches one of `statuses`. */
  waitFor(instanceId: string, statuses: readonly string[], timeoutMs?: number): Promise<StatusBody>;
  stop(): Promise<void>;
}

export async function startDurableHost(
  connectionString: string,
  taskHubName?: string,
): Promise<DurableTestHost> {
  const logs: LogRecord[] = [];
  const appDir = await copyOfFixture();
  const host = await startHost({
    appDir,
    port: 0,
    env: { AzureWebJobsStorage: connectionString },
    logger: { write: (record) => void logs.push(record) },
    extensions: [
      createDurableExtension({
        pollIntervalMs: 500,
        ...(taskHubName === undefined ? {} : { taskHubName }),
      }),
    ],
  });
  const call = (path: string, init?: RequestInit): Promise<Response> =>
    fetch(`${host.url}${path}`, init);
  const status = async (
    instanceId: string,
  ): Promise<{ code: number; body: StatusBody | undefined }> => {
    const response = await call(
      `/runtime/webhooks/durabletask/instances/${instanceId}?showHistory=true`,
    );
    const text = await response.text();
    return {
      code: response.status,
      body: text === "" ? undefined : (JSON.parse(text) as StatusBody),
    };
  };
  return {
    host,
    logs,
    call,
    status,
    async start(name, input, instanceId) {
      const response = await call(
        `/api/start/${name}${instanceId === undefined ? "" : `/${instanceId}`}`,
        {
          method: "POST",
          body: input === undefined ? "" : JSON.stringify(input),
        },
      );
      const body = (await response.json()) as { id?: string; Message?: string };
      if (response.status !== 202 || typeof body.id !== "string")
        throw new Error(`start failed: ${response.status} ${JSON.stringify(body)}`);
      return body.id;
    },
    async waitFor(instanceId, statuses, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: StatusBody | undefined;
      for (;;) {
        last = (await status(instanceId)).body;
        if (last !== undefined && statuses.includes(last.runtimeStatus)) return last;
        if (Date.now() > deadline) {
          throw new Error(
            `instance ${instanceId} did not reach ${statuses.join("/")}: ${JSON.stringify(last)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      await host.stop();
      await rm(appDir, { recursive: true, force: true });
    },
  };
}
