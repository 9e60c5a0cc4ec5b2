// Durable Functions for devhost: runs orchestrationTrigger and activityTrigger functions, provides
// the durableClient input and serves the Durable HTTP API on the host's own origin.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BindingDefinition, HostExtension, HostServices } from "../extension.js";
import { durableClientBinding, WEBHOOK_PATH } from "./client-binding.js";
import { DurableEngine, type EngineOptions } from "./engine.js";
import { DurableHttpApi } from "./http-api.js";
import { TaskHubStore } from "./task-hub-store.js";

export interface DurableExtensionOptions {
  /** Task hub (table) name; default host.json extensions.durableTask.hubName, else "TestHubName". */
  taskHubName?: string;
  /** How often the tables are checked for work other processes left (default 2000 ms). */
  pollIntervalMs?: number;
}

const DEFAULT_HUB = "TestHubName";
const DEFAULT_POLL_MS = 2_000;
const DEFAULT_ACTIVITY_CONCURRENCY = 32;
const DEFAULT_ORCHESTRATION_CONCURRENCY = 16;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** extensions.durableTask from host.json, or an empty object. */
function durableTaskSettings(hostJson: Record<string, unknown>): Record<string, unknown> {
  const extensions = hostJson.extensions;
  if (!isRecord(extensions)) return {};
  const key = Object.keys(extensions).find((k) => k.toLowerCase() === "durabletask");
  const settings = key === undefined ? undefined : extensions[key];
  return isRecord(settings) ? settings : {};
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : fallback;
}

class DurableExtension implements HostExtension {
  readonly name = "durable";
  readonly triggerTypes = ["orchestrationTrigger", "activityTrigger"] as const;
  readonly httpPathPrefix = `${WEBHOOK_PATH}/`;
  private engine: DurableEngine | undefined;
  private api: DurableHttpApi | undefined;
  private hubName = DEFAULT_HUB;
  private baseUrl = "";
  private setHostname = false;

  constructor(private readonly options: DurableExtensionOptions) {}

  inputBinding(binding: BindingDefinition): unknown {
    const type = binding.type.toLowerCase();
    if (type !== "durableclient" && type !== "orchestrationclient") return undefined;
    return durableClientBinding(this.baseUrl, this.hubName);
  }

  async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.api === undefined) {
      res.writeHead(503).end();
      return;
    }
    await this.api.handle(req, res);
  }

  async start(services: HostServices): Promise<void> {
    const settings = durableTaskSettings(services.hostJson);
    this.hubName =
      this.options.taskHubName ??
      (typeof settings.hubName === "string" ? settings.hubName : DEFAULT_HUB);
    this.baseUrl = services.baseUrl;
    // getClient rewrites management URLs to localhost:7071 unless WEBSITE_HOSTNAME names the host.
    if (process.env.WEBSITE_HOSTNAME === undefined || process.env.WEBSITE_HOSTNAME === "") {
      process.env.WEBSITE_HOSTNAME = new URL(services.baseUrl).host;
      this.setHostname = true;
    }
    const engineOptions: EngineOptions = {
      maxConcurrentActivities: positiveInt(
        settings.maxConcurrentActivityFunctions,
        DEFAULT_ACTIVITY_CONCURRENCY,
      ),
      maxConcurrentOrchestrations: positiveInt(
        settings.maxConcurrentOrchestratorFunctions,
        DEFAULT_ORCHESTRATION_CONCURRENCY,
      ),
      pollIntervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_MS,
    };
    const store = await TaskHubStore.open(services.storageConnectionString, this.hubName);
    this.engine = new DurableEngine(store, services, engineOptions);
    this.api = new DurableHttpApi(this.engine, store, this.hubName, () => this.baseUrl);
    await this.engine.start();
    services.log.info(
      `Durable task hub '${this.hubName}' ready; HTTP API at ${services.baseUrl}${WEBHOOK_PATH}/`,
    );
  }

  async stop(): Promise<void> {
    await this.engine?.stop();
    this.engine = undefined;
    this.api = undefined;
    if (this.setHostname) {
      delete process.env.WEBSITE_HOSTNAME;
      this.setHostname = false;
    }
  }
}

/** Creates the Durable Functions extension for `startHost({ extensions: [...] })`. */
export function createDurableExtension(options: DurableExtensionOptions = {}): HostExtension {
  return new DurableExtension(options);
}
