// A minimal Azure Storage Queue client over fetch for the three calls the agent makes with its
// SAS URL (receive, update visibility, delete). The SDK would cost the idle agent ~14 MB of RSS.
import type { DispatchQueue } from "./poller.js";

/** Storage service version sent with each request. */
export const QUEUE_API_VERSION = "2021-08-06";
export const QUEUE_REQUEST_TIMEOUT_MS = 15_000;

/** A Storage Queue answer outside 2xx. */
export class QueueHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`queue request failed: ${status}${code ? ` ${code}` : ""}`);
    this.name = "QueueHttpError";
  }
}

const XML_ENTITIES: Record<string, string> = {
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&apos;": "'",
  "&amp;": "&",
};

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (entity) => XML_ENTITIES[entity] ?? entity);
}

function tag(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}

/** Parses a Get Messages answer (`<QueueMessagesList><QueueMessage>…`). */
export function parseMessagesList(
  xml: string,
): Array<{ messageId: string; popReceipt: string; messageText: string; dequeueCount: number }> {
  const messages = xml.match(/<QueueMessage>[\s\S]*?<\/QueueMessage>/g) ?? [];
  return messages.flatMap((block) => {
    const messageId = tag(block, "MessageId");
    const popReceipt = tag(block, "PopReceipt");
    if (!messageId || !popReceipt) return [];
    return [
      {
        messageId,
        popReceipt,
        messageText: tag(block, "MessageText") ?? "",
        dequeueCount: Number(tag(block, "DequeueCount") ?? 0),
      },
    ];
  });
}

/** The node's queue, addressed by its SAS URL. */
export class RestQueue implements DispatchQueue {
  private readonly base: URL;

  constructor(
    sasUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.base = new URL(sasUrl);
  }

  async receiveMessages(options: { numberOfMessages: number; visibilityTimeout: number }) {
    const xml = await this.request("GET", "messages", {
      numofmessages: String(options.numberOfMessages),
      visibilitytimeout: String(options.visibilityTimeout),
    });
    return { receivedMessageItems: parseMessagesList(xml.body) };
  }

  async updateMessage(
    messageId: string,
    popReceipt: string,
    _message: string | undefined,
    visibilityTimeout: number,
  ) {
    const answer = await this.request("PUT", `messages/${encodeURIComponent(messageId)}`, {
      popreceipt: popReceipt,
      visibilitytimeout: String(visibilityTimeout),
    });
    return { popReceipt: answer.headers.get("x-ms-popreceipt") ?? undefined };
  }

  async deleteMessage(messageId: string, popReceipt: string) {
    await this.request("DELETE", `messages/${encodeURIComponent(messageId)}`, {
      popreceipt: popReceipt,
    });
  }

  private async request(
    method: string,
    path: string,
    query: Record<string, string>,
  ): Promise<{ body: string; headers: Headers }> {
    const url = new URL(this.base);
    url.pathname = `${url.pathname.replace(/\/$/, "")}/${path}`;
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await this.fetchImpl(url, {
      method,
      headers: {
        "x-ms-version": QUEUE_API_VERSION,
        "x-ms-date": new Date().toUTCString(),
        ...(method === "PUT" ? { "content-length": "0" } : {}),
      },
      signal: AbortSignal.timeout(QUEUE_REQUEST_TIMEOUT_MS),
    });
    const body = await response.text();
    if (!response.ok)
      throw new QueueHttpError(
        response.status,
        response.headers.get("x-ms-error-code") ?? tag(body, "Code") ?? "",
      );
    return { body, headers: response.headers };
  }
}
