// Pulls dispatch messages from the node's own Storage Queue: fast polling while recently busy,
// backing off to at most a second when idle, longer on errors; holds a message's visibility while
// its job runs; recognises duplicate deliveries.
import {
  DispatchMessageSchema,
  type DispatchMessage,
  type QueueAccess,
} from "@wastecompute/contracts";
import { Backoff, sleep, type BackoffOptions } from "./backoff.js";
import { QueueHttpError, RestQueue } from "./queue-rest.js";

/** An idle agent polls this often at first, so a job placed on it starts within ~0.5 s. */
export const FAST_POLL_MS = 250;
/** …and slows to at most this after `FAST_POLLS_BEFORE_SLOWING` empty polls in a row. */
export const SLOW_POLL_MS = 1_000;
export const FAST_POLLS_BEFORE_SLOWING = 40;
export const POLL_SLOWDOWN_FACTOR = 1.5;
/** A received message stays invisible this long, renewed every third of it while its job runs. */
export const VISIBILITY_TIMEOUT_SEC = 60;
export const POLL_ERROR_BACKOFF: BackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.3,
};

/** The subset of QueueClient the poller uses (injected so tests need no Azure). */
export interface DispatchQueue {
  receiveMessages(options: { numberOfMessages: number; visibilityTimeout: number }): Promise<{
    receivedMessageItems: Array<{
      messageId: string;
      popReceipt: string;
      messageText: string;
      dequeueCount: number;
    }>;
  }>;
  updateMessage(
    messageId: string,
    popReceipt: string,
    message: string | undefined,
    visibilityTimeout: number,
  ): Promise<{ popReceipt?: string }>;
  deleteMessage(messageId: string, popReceipt: string): Promise<unknown>;
}

/** Opens the node's queue from the access the platform granted. */
export function openQueue(access: QueueAccess): DispatchQueue {
  if (access.mode !== "sas" || !access.queueUrl) {
    throw new Error(
      `queue access mode "${access.mode}" is not supported by this agent version (needs "sas" with a queue URL)`,
    );
  }
  return new RestQueue(access.queueUrl);
}

/** Delay before the next poll after `emptyPolls` empty answers in a row. */
export function idlePollDelayMs(emptyPolls: number): number {
  if (emptyPolls < FAST_POLLS_BEFORE_SLOWING) return FAST_POLL_MS;
  return Math.min(
    SLOW_POLL_MS,
    FAST_POLL_MS * POLL_SLOWDOWN_FACTOR ** (emptyPolls - FAST_POLLS_BEFORE_SLOWING + 1),
  );
}

/** Decodes a queue message: base64 JSON as the platform sends it, or plain JSON. */
export function decodeDispatch(text: string): DispatchMessage {
  const trimmed = text.trim();
  const json = trimmed.startsWith("{") ? trimmed : Buffer.from(trimmed, "base64").toString("utf8");
  return DispatchMessageSchema.parse(JSON.parse(json));
}

/** A received message: its job, and how to hold or finish it on the queue. */
export interface Delivery {
  message: DispatchMessage;
  /** The queue message's id: the same id again means the message reappeared, not a second copy. */
  messageId: string;
  dequeueCount: number;
  /** Keeps the message invisible until `complete`. */
  hold(): void;
  /** Deletes the message (the job is done, refused or a duplicate). */
  complete(): Promise<void>;
  /** Makes the message visible again at once, for another agent or a later pull. */
  release(): Promise<void>;
  /** Stops holding without touching the message (a newer delivery replaced this one). */
  dropHold(): Promise<void>;
}

/** Polls one queue; `setQueue` swaps in refreshed access without dropping held messages. */
export class QueuePoller {
  private emptyPolls = 0;
  private readonly errors = new Backoff(POLL_ERROR_BACKOFF);

  constructor(
    private queue: DispatchQueue,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
    private readonly visibilitySec = VISIBILITY_TIMEOUT_SEC,
  ) {}

  setQueue(queue: DispatchQueue): void {
    this.queue = queue;
  }

  /** Waits for the next valid message; undefined when `signal` aborts. Sleeps between empty polls. */
  async next(signal: AbortSignal): Promise<Delivery | undefined> {
    while (!signal.aborted) {
      let items: Awaited<ReturnType<DispatchQueue["receiveMessages"]>>["receivedMessageItems"];
      try {
        items = (
          await this.queue.receiveMessages({
            numberOfMessages: 1,
            visibilityTimeout: this.visibilitySec,
          })
        ).receivedMessageItems;
        this.errors.reset();
      } catch (error) {
        const delayMs = this.errors.next();
        this.log("queue.error", {
          reason: error instanceof Error ? error.message : String(error),
          retryInMs: delayMs,
        });
        await sleep(delayMs, signal);
        continue;
      }
      const item = items[0];
      if (!item) {
        await sleep(idlePollDelayMs(this.emptyPolls++), signal);
        continue;
      }
      this.emptyPolls = 0;
      let message: DispatchMessage;
      try {
        message = decodeDispatch(item.messageText);
      } catch (error) {
        this.log("queue.poison", {
          messageId: item.messageId,
          reason: error instanceof Error ? error.message : String(error),
        });
        await this.queue.deleteMessage(item.messageId, item.popReceipt).catch(() => undefined);
        continue;
      }
      return this.delivery(item, message);
    }
    return undefined;
  }

  private delivery(
    item: { messageId: string; popReceipt: string; dequeueCount: number },
    message: DispatchMessage,
  ): Delivery {
    let popReceipt = item.popReceipt;
    let timer: NodeJS.Timeout | undefined;
    let renewing: Promise<unknown> = Promise.resolve();
    const renewEveryMs = (this.visibilitySec * 1000) / 3;
    return {
      message,
      messageId: item.messageId,
      dequeueCount: item.dequeueCount,
      hold: () => {
        timer ??= setInterval(() => {
          renewing = this.queue
            .updateMessage(item.messageId, popReceipt, undefined, this.visibilitySec)
            .then((answer) => {
              if (answer.popReceipt) popReceipt = answer.popReceipt;
            })
            .catch((error: unknown) => {
              // A read+process SAS cannot update messages: stop trying. The message reappears after
              // the visibility timeout and the worker adopts that delivery (duplicate tracking).
              if (error instanceof QueueHttpError && error.status === 403) clearInterval(timer);
              this.log("queue.renew_failed", {
                jobId: message.jobId,
                reason: error instanceof Error ? error.message : String(error),
                renewing: !(error instanceof QueueHttpError && error.status === 403),
              });
            });
        }, renewEveryMs);
        timer.unref();
      },
      complete: async () => {
        clearInterval(timer);
        await renewing;
        await this.queue.deleteMessage(item.messageId, popReceipt).catch((error: unknown) => {
          this.log("queue.delete_failed", {
            jobId: message.jobId,
            reason: error instanceof Error ? error.message : String(error),
          });
        });
      },
      dropHold: async () => {
        clearInterval(timer);
        await renewing;
      },
      release: async () => {
        clearInterval(timer);
        await renewing;
        await this.queue
          .updateMessage(item.messageId, popReceipt, undefined, 0)
          .catch((error: unknown) => {
            this.log("queue.release_failed", {
              jobId: message.jobId,
              reason: error instanceof Error ? error.message : String(error),
            });
          });
      },
    };
  }
}
