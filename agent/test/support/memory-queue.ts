// An in-memory dispatch queue with Storage Queue semantics (visibility, pop receipts, dequeue
// counts), for poller and worker tests.
import type { DispatchQueue } from "../../src/poller.js";
import { QueueHttpError } from "../../src/queue-rest.js";

/** A queue in memory with Storage Queue semantics for receive, update and delete. */
export class MemoryQueue implements DispatchQueue {
  items: Array<{
    messageId: string;
    popReceipt: string;
    messageText: string;
    dequeueCount: number;
    visibleAt: number;
  }> = [];
  receives = 0;
  updates = 0;
  deleted: string[] = [];
  failNext = 0;
  /** Refuse updates like a read+process SAS does. */
  readOnly = false;
  private nextId = 0;
  add(text: string) {
    this.items.push({
      messageId: `m${this.nextId++}`,
      popReceipt: "p0",
      messageText: text,
      dequeueCount: 0,
      visibleAt: 0,
    });
  }
  async receiveMessages(options: { visibilityTimeout: number }) {
    this.receives++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("ECONNREFUSED");
    }
    const item = this.items.find((i) => i.visibleAt <= Date.now());
    if (!item) return { receivedMessageItems: [] };
    item.dequeueCount++;
    item.visibleAt = Date.now() + options.visibilityTimeout * 1000;
    item.popReceipt = `p${item.dequeueCount}`;
    return { receivedMessageItems: [{ ...item }] };
  }
  async updateMessage(
    messageId: string,
    popReceipt: string,
    _m: string | undefined,
    visibilityTimeout: number,
  ) {
    if (this.readOnly) throw new QueueHttpError(403, "AuthorizationPermissionMismatch");
    const item = this.items.find((i) => i.messageId === messageId && i.popReceipt === popReceipt);
    if (!item) throw new Error("404 pop receipt mismatch");
    this.updates++;
    item.visibleAt = Date.now() + visibilityTimeout * 1000;
    item.popReceipt = `${popReceipt}u`;
    return { popReceipt: item.popReceipt };
  }
  async deleteMessage(messageId: string, popReceipt: string) {
    const index = this.items.findIndex(
      (i) => i.messageId === messageId && i.popReceipt === popReceipt,
    );
    if (index < 0) throw new Error("404 pop receipt mismatch");
    this.items.splice(index, 1);
    this.deleted.push(messageId);
  }
}
