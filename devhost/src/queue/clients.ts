// Queue clients per connection app setting, shared by queue triggers and queue output bindings.
import { QueueServiceClient, type QueueClient } from "@azure/storage-queue";
import type { BindingDefinition, RegisteredFunction } from "../extension.js";
import { resolveAppSettings } from "../host-config.js";

const STORAGE_SETTING = "AzureWebJobsStorage";

export class QueueClients {
  readonly #services = new Map<string, QueueServiceClient>();
  readonly #env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv) {
    this.#env = env;
  }

  /** The queue a trigger or output binding names, resolving `%AppSetting%` and its connection setting. */
  forBinding(fn: RegisteredFunction, binding: BindingDefinition): QueueClient {
    if (typeof binding.queueName !== "string" || binding.queueName === "") {
      throw new Error(`Queue binding of "${fn.name}" has no queueName.`);
    }
    const queueName = resolveAppSettings(binding.queueName, this.#env).toLowerCase();
    return this.service(fn, binding).getQueueClient(queueName);
  }

  service(fn: RegisteredFunction, binding: BindingDefinition): QueueServiceClient {
    const setting =
      typeof binding.connection === "string" && binding.connection !== ""
        ? binding.connection
        : STORAGE_SETTING;
    const connectionString = this.#env[setting] ?? this.#env[`AzureWebJobs${setting}`];
    if (connectionString === undefined || connectionString === "") {
      throw new Error(
        `Queue binding of "${fn.name}": app setting "${setting}" (the connection string) is not set.`,
      );
    }
    let service = this.#services.get(connectionString);
    if (service === undefined) {
      service = QueueServiceClient.fromConnectionString(connectionString);
      this.#services.set(connectionString, service);
    }
    return service;
  }
}
