// Polls one storage queue for a queue-triggered function with the host's batching, retry and poison semantics.
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";
import type { InvokeOptions, RegisteredFunction } from "../extension.js";
import type { QueueSettings } from "../host-config.js";
import type { LogSink } from "../logging.js";
import { MessageLease } from "./message-lease.js";
import { decodeMessageText, queueTriggerMetadata, toTriggerValue } from "./message.js";
import { MIN_POLLING_INTERVAL_MS, nextPollingInterval } from "./polling-backoff.js";

/** How long a received message stays invisible while its function runs (the host uses 10 minutes, renewed). */
const DEFAULT_LEASE_SECONDS = 600;
const POISON_SUFFIX = "-poison";

export interface QueueListenerDeps {
  fn: RegisteredFunction;
  queue: QueueClient;
  poison: QueueClient;
  settings: QueueSettings;
  invoke: (triggerValue: unknown, options: InvokeOptions & { reason: string }) => Promise<unknown>;
  sink: LogSink;
  /** Processing lease in seconds, renewed halfway; the host's 10 minutes unless a test shortens it. */
  leaseSeconds?: number;
}

export function poisonQueueName(queueName: string): string {
  return `${queueName}${POISON_SUFFIX}`;
}

/** One polling loop per queue-triggered function; `stop()` lets in-flight messages finish. */
export class QueueListener {
  readonly #deps: QueueListenerDeps;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #poisonReady: Promise<unknown> | undefined;

  constructor(deps: QueueListenerDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    await this.#deps.queue.createIfNotExists();
    this.#running = true;
    this.#loop = this.#poll();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Sleeps for `ms`, or until woken by a finished message or by stop(). */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  async #poll(): Promise<void> {
    const { queue, settings } = this.#deps;
    let interval = MIN_POLLING_INTERVAL_MS;
    while (this.#running) {
      // Like the host: fetch another batch only once in-flight work drops to newBatchThreshold.
      if (this.#inFlight.size > settings.newBatchThreshold) {
        await this.#pause(settings.maxPollingIntervalMs);
        continue;
      }
      let messages: DequeuedMessageItem[];
      try {
        const response = await queue.receiveMessages({
          numberOfMessages: settings.batchSize,
          visibilityTimeout: this.#deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
        });
        messages = response.receivedMessageItems;
      } catch (error) {
        this.#log("warning", `Polling queue "${queue.name}" failed: ${(error as Error).message}`);
        messages = [];
      }
      if (messages.length === 0) {
        await this.#pause(interval);
        interval = nextPollingInterval(interval, settings.maxPollingIntervalMs);
        continue;
      }
      interval = MIN_POLLING_INTERVAL_MS;
      for (const message of messages) {
        const work = this.#process(message);
        this.#inFlight.add(work);
        void work.finally(() => {
          this.#inFlight.delete(work);
          this.#wake?.();
        });
      }
    }
  }

  async #process(message: DequeuedMessageItem): Promise<void> {
    const { fn, queue, settings } = this.#deps;
    try {
      // A message already past its retries (e.g. after a crash) goes to poison without running again.
      if (message.dequeueCount > settings.maxDequeueCount) {
        await this.#moveToPoison(message, message.popReceipt);
        return;
      }
      let text: string;
      try {
        text = decodeMessageText(message.messageText, settings.messageEncoding);
      } catch (error) {
        this.#log(
          "error",
          `${(error as Error).message} Moving message ${message.messageId} to poison.`,
        );
        await this.#moveToPoison(message, message.popReceipt);
        return;
      }
      const lease = new MessageLease(
        queue,
        message,
        this.#deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
        (error) =>
          this.#log(
            "warning",
            `Could not renew the lease of message ${message.messageId}: ${(error as Error).message}`,
          ),
      );
      let failed = false;
      try {
        await this.#deps.invoke(toTriggerValue(text), {
          triggerMetadata: queueTriggerMetadata(message, text),
          reason: `New queue message detected on '${queue.name}'.`,
        });
      } catch {
        failed = true; // the invoker has logged the failure
      } finally {
        await lease.end();
      }
      if (failed) await this.#afterFailure(message, lease.popReceipt);
      else await queue.deleteMessage(message.messageId, lease.popReceipt);
    } catch (error) {
      this.#log(
        "error",
        `Queue message ${message.messageId} of "${fn.name}" could not be settled: ${(error as Error).message}`,
      );
    }
  }

  async #afterFailure(message: DequeuedMessageItem, popReceipt: string): Promise<void> {
    const { queue, settings } = this.#deps;
    if (message.dequeueCount >= settings.maxDequeueCount) {
      await this.#moveToPoison(message, popReceipt);
      return;
    }
    // Keep the content; make the message visible again after visibilityTimeout for the next try.
    await queue.updateMessage(
      message.messageId,
      popReceipt,
      undefined,
      Math.round(settings.visibilityTimeoutMs / 1000),
    );
  }

  async #moveToPoison(message: DequeuedMessageItem, popReceipt: string): Promise<void> {
    const { queue, poison } = this.#deps;
    this.#poisonReady ??= poison.createIfNotExists();
    await this.#poisonReady;
    await poison.sendMessage(message.messageText);
    await queue.deleteMessage(message.messageId, popReceipt);
    this.#log(
      "warning",
      `Message ${message.messageId} has reached MaxDequeueCount of ${this.#deps.settings.maxDequeueCount}. Moving message to queue '${poison.name}'.`,
    );
  }

  #log(level: "warning" | "error", message: string): void {
    this.#deps.sink.write({ time: new Date(), level, message, functionName: this.#deps.fn.name });
  }
}
