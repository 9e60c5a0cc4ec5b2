// Keeps a received queue message invisible while its function runs, as the host does by renewing
// the visibility timeout halfway through each lease; the latest pop receipt settles the message.
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";

export class MessageLease {
  readonly #queue: QueueClient;
  readonly #messageId: string;
  readonly #leaseSeconds: number;
  readonly #onError: (error: unknown) => void;
  #popReceipt: string;
  #timer: NodeJS.Timeout | undefined;
  #renewal: Promise<void> | undefined;

  constructor(
    queue: QueueClient,
    message: DequeuedMessageItem,
    leaseSeconds: number,
    onError: (error: unknown) => void,
  ) {
    this.#queue = queue;
    this.#messageId = message.messageId;
    this.#popReceipt = message.popReceipt;
    this.#leaseSeconds = leaseSeconds;
    this.#onError = onError;
    this.#timer = setInterval(
      () => {
        this.#renewal ??= this.#renew().finally(() => {
          this.#renewal = undefined;
        });
      },
      (leaseSeconds * 1000) / 2,
    );
  }

  /** The receipt to delete or update the message with (it changes with every renewal). */
  get popReceipt(): string {
    return this.#popReceipt;
  }

  /** Stops renewing; waits for a renewal in progress so the receipt is current. */
  async end(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#renewal;
  }

  async #renew(): Promise<void> {
    try {
      const response = await this.#queue.updateMessage(
        this.#messageId,
        this.#popReceipt,
        undefined,
        this.#leaseSeconds,
      );
      if (response.popReceipt !== undefined) this.#popReceipt = response.popReceipt;
    } catch (error) {
      this.#onError(error);
    }
  }
}
