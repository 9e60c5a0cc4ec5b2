// Turns a raw queue message into the trigger value and metadata the host hands a queue-triggered function.
import type { DequeuedMessageItem } from "@azure/storage-queue";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class MessageDecodingError extends Error {
  override name = "MessageDecodingError";
}

/** Decodes the stored text per host.json `messageEncoding`; invalid base64 cannot be processed. */
export function decodeMessageText(text: string, encoding: "base64" | "none"): string {
  if (encoding === "none") return text;
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new MessageDecodingError(
      "Message is not valid base64 but host.json messageEncoding is base64.",
    );
  }
  return Buffer.from(compact, "base64").toString("utf8");
}

/** Like the host, JSON objects and arrays arrive parsed; anything else is the string itself. */
export function toTriggerValue(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `context.triggerMetadata` for a queue trigger, camel-cased as the library presents it. */
export function queueTriggerMetadata(
  message: DequeuedMessageItem,
  decodedText: string,
): Record<string, unknown> {
  return {
    queueTrigger: decodedText,
    id: message.messageId,
    dequeueCount: message.dequeueCount,
    insertionTime: message.insertedOn.toISOString(),
    expirationTime: message.expiresOn.toISOString(),
    nextVisibleTime: message.nextVisibleOn.toISOString(),
    popReceipt: message.popReceipt,
  };
}
