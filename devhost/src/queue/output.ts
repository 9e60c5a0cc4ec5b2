// Sends the values of `queue` output bindings (output.storageQueue) after a successful invocation.
import type { QueueClient } from "@azure/storage-queue";
import type { BindingDefinition, RegisteredFunction } from "../extension.js";
import type { OutputWriter } from "../invoker.js";
import type { QueueClients } from "./clients.js";

const RETURN_BINDING = "$return";

/** Text of one message as the host serialises output values: strings as-is, everything else as JSON. */
export function toMessageText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  return JSON.stringify(value);
}

export function encodeMessageText(text: string, encoding: "base64" | "none"): string {
  return encoding === "base64" ? Buffer.from(text, "utf8").toString("base64") : text;
}

/** Writes queue output bindings; created queues are remembered so each is created once. */
export class QueueOutputWriter implements OutputWriter {
  readonly #clients: QueueClients;
  readonly #encoding: "base64" | "none";
  readonly #created = new Map<string, Promise<unknown>>();
  readonly #bindings = new WeakMap<RegisteredFunction, readonly [string, BindingDefinition][]>();

  constructor(clients: QueueClients, encoding: "base64" | "none") {
    this.#clients = clients;
    this.#encoding = encoding;
  }

  #queueBindings(fn: RegisteredFunction): readonly [string, BindingDefinition][] {
    let found = this.#bindings.get(fn);
    if (found === undefined) {
      found = Object.entries(fn.bindings).filter(
        ([, b]) => b.direction === "out" && b.type.toLowerCase() === "queue",
      );
      this.#bindings.set(fn, found);
    }
    return found;
  }

  hasOutputs(fn: RegisteredFunction): boolean {
    return this.#queueBindings(fn).length > 0;
  }

  async write(fn: RegisteredFunction, source: Parameters<OutputWriter["write"]>[1]): Promise<void> {
    for (const [name, binding] of this.#queueBindings(fn)) {
      const value = name === RETURN_BINDING ? source.result : source.extraOutput(name);
      if (value === undefined || value === null) continue;
      const queue = this.#clients.forBinding(fn, binding);
      await this.#ensureQueue(queue);
      // An array sends one message per element, as the host does for queue outputs.
      for (const item of Array.isArray(value) ? value : [value]) {
        await queue.sendMessage(encodeMessageText(toMessageText(item), this.#encoding));
      }
    }
  }

  #ensureQueue(queue: QueueClient): Promise<unknown> {
    let created = this.#created.get(queue.url);
    if (created === undefined) {
      created = queue.createIfNotExists().catch((error: unknown) => {
        this.#created.delete(queue.url); // let the next invocation try again
        throw error;
      });
      this.#created.set(queue.url, created);
    }
    return created;
  }
}
