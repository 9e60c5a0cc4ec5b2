// The Durable HTTP API (HttpApiHandler) that durable-functions' client and the management URLs
// call: start, status, query, raise event, terminate, suspend, resume and purge.
import type { IncomingMessage, ServerResponse } from "node:http";
import { managementUrls, WEBHOOK_PATH } from "./client-binding.js";
import type { DurableEngine } from "./engine.js";
import {
  InstanceFinishedError,
  InstanceNotFoundError,
  InstanceRunningError,
  UnknownOrchestratorError,
} from "./engine-errors.js";
import { InstanceExistsError, type TaskHubStore } from "./task-hub-store.js";
import { isRuntimeStatus, isTerminal, type RuntimeStatus } from "./instance.js";
import { statusPayload } from "./status-payload.js";

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 100;

class BadRequestError extends Error {
  override name = "BadRequestError";
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BadRequestError("Request body too large.");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A JSON body as JSON text (undefined when empty); rejects text that is not JSON. */
function jsonText(body: string): string | undefined {
  if (body.trim() === "") return undefined;
  try {
    return JSON.stringify(JSON.parse(body) as unknown);
  } catch {
    throw new BadRequestError("Invalid JSON content");
  }
}

function flag(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  if (value === null) return fallback;
  return value.toLowerCase() === "true";
}

function isoParam(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new BadRequestError(`'${name}' is not a date.`);
  return new Date(ms).toISOString();
}

function statusList(query: URLSearchParams): RuntimeStatus[] | undefined {
  const values = query
    .getAll("runtimeStatus")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (values.length === 0) return undefined;
  return values.filter(isRuntimeStatus);
}

function origin(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host === undefined ? fallback : `http://${host}`;
}

export class DurableHttpApi {
  constructor(
    private readonly engine: DurableEngine,
    private readonly store: TaskHubStore,
    private readonly taskHubName: string,
    private readonly baseUrl: () => string,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.route(req);
    } catch (error) {
      reply = this.errorReply(error);
    }
    const headers: Record<string, string> = { ...reply.headers };
    let payload = "";
    if (reply.body !== undefined) {
      headers["Content-Type"] = "application/json; charset=utf-8";
      payload = JSON.stringify(reply.body);
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private errorReply(error: unknown): Reply {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof BadRequestError || error instanceof UnknownOrchestratorError)
      return { status: 400, body: { Message: message } };
    if (error instanceof InstanceNotFoundError) return { status: 404 };
    if (error instanceof InstanceFinishedError) return { status: 410 };
    if (error instanceof InstanceExistsError || error instanceof InstanceRunningError)
      return { status: 409, body: { Message: message } };
    return {
      status: 500,
      body: {
        Message: "Something went wrong while processing your request",
        ExceptionMessage: message,
      },
    };
  }

  private async route(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const rest = url.pathname.startsWith(WEBHOOK_PATH)
      ? url.pathname.slice(WEBHOOK_PATH.length)
      : url.pathname;
    const segments = rest
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s));
    const [controller, first, second, third] = segments;
    const query = url.searchParams;

    if (
      controller === "orchestrators" &&
      first !== undefined &&
      segments.length <= 3 &&
      method === "POST"
    ) {
      return this.start(req, first, second);
    }
    if (controller !== "instances") return { status: 404 };
    if (first === undefined) {
      if (method === "GET") return this.list(req, query);
      if (method === "DELETE") return this.purgeBy(query);
      return { status: 404 };
    }
    if (second === undefined) {
      if (method === "GET") return this.status(req, first, query);
      if (method === "DELETE") return this.purge(first);
      return { status: 404 };
    }
    if (method !== "POST") return { status: 404 };
    const reason = query.get("reason") ?? "";
    switch (second.toLowerCase()) {
      case "raiseevent":
        if (third === undefined) return { status: 404 };
        return this.raise(req, first, third);
      case "terminate":
      case "suspend":
      case "resume":
        return this.control(
          first,
          second.toLowerCase() as "terminate" | "suspend" | "resume",
          reason,
        );
      default:
        return {
          status: 501,
          body: { Message: `'${second}' is not supported by devhost's Durable runtime.` },
        };
    }
  }

  private async start(
    req: IncomingMessage,
    name: string,
    instanceId: string | undefined,
  ): Promise<Reply> {
    const input = jsonText(await readBody(req));
    const id = await this.engine.startNew(name, instanceId, input);
    const links = managementUrls(origin(req, this.baseUrl()), this.taskHubName, id);
    return {
      status: 202,
      body: {
        id,
        statusQueryGetUri: links.statusQueryGetUri,
        sendEventPostUri: links.sendEventPostUri,
        terminatePostUri: links.terminatePostUri,
        purgeHistoryDeleteUri: links.purgeHistoryDeleteUri,
        restartPostUri: links.restartPostUri,
        suspendPostUri: links.suspendPostUri,
        resumePostUri: links.resumePostUri,
      },
      headers: { Location: links.statusQueryGetUri, "Retry-After": "10" },
    };
  }

  private async status(
    req: IncomingMessage,
    instanceId: string,
    query: URLSearchParams,
  ): Promise<Reply> {
    const showHistory = flag(query, "showHistory", false);
    const found = await this.engine.read(instanceId, showHistory);
    if (found === undefined) return { status: 404 };
    const body = statusPayload(found.record, {
      showInput: flag(query, "showInput", true),
      showHistoryOutput: flag(query, "showHistoryOutput", false),
      ...(found.history === undefined ? {} : { history: found.history }),
    });
    const status = found.record.status;
    if (status === "Failed" && flag(query, "returnInternalServerErrorOnFailure", false))
      return { status: 500, body };
    if (isTerminal(status)) return { status: 200, body };
    const self = `${origin(req, this.baseUrl())}${req.url ?? ""}`;
    return { status: 202, body, headers: { Location: self, "Retry-After": "5" } };
  }

  private async list(req: IncomingMessage, query: URLSearchParams): Promise<Reply> {
    const top = Number(query.get("top") ?? DEFAULT_PAGE_SIZE);
    const token = req.headers["x-ms-continuation-token"];
    const createdTimeFrom = isoParam(query, "createdTimeFrom");
    const createdTimeTo = isoParam(query, "createdTimeTo");
    const runtimeStatus = statusList(query);
    const page = await this.store.queryInstances({
      top: Number.isInteger(top) && top > 0 ? top : DEFAULT_PAGE_SIZE,
      ...(createdTimeFrom === undefined ? {} : { createdTimeFrom }),
      ...(createdTimeTo === undefined ? {} : { createdTimeTo }),
      ...(runtimeStatus === undefined ? {} : { runtimeStatus }),
      ...(typeof token === "string" && token !== "" ? { continuationToken: token } : {}),
    });
    const showInput = flag(query, "showInput", false);
    return {
      status: 200,
      body: page.records.map((record) => statusPayload(record, { showInput })),
      headers:
        page.continuationToken === undefined
          ? {}
          : { "x-ms-continuation-token": page.continuationToken },
    };
  }

  private async raise(req: IncomingMessage, instanceId: string, eventName: string): Promise<Reply> {
    const input = jsonText(await readBody(req));
    await this.engine.raiseEvent(instanceId, eventName, input);
    return { status: 202 };
  }

  private async control(
    instanceId: string,
    op: "terminate" | "suspend" | "resume",
    reason: string,
  ): Promise<Reply> {
    await this.engine.control(instanceId, op, reason);
    return { status: 202 };
  }

  private async purge(instanceId: string): Promise<Reply> {
    try {
      await this.engine.purge(instanceId);
    } catch (error) {
      if (error instanceof InstanceRunningError)
        return { status: 412, body: { Message: error.message } };
      throw error;
    }
    return { status: 200, body: { instancesDeleted: 1 } };
  }

  private async purgeBy(query: URLSearchParams): Promise<Reply> {
    const createdTimeFrom = isoParam(query, "createdTimeFrom");
    if (createdTimeFrom === undefined)
      return {
        status: 400,
        body: { Message: "Please provide value for 'createdTimeFrom' parameter." },
      };
    const createdTimeTo = isoParam(query, "createdTimeTo") ?? new Date().toISOString();
    const wanted = statusList(query);
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.store.queryInstances({
        top: DEFAULT_PAGE_SIZE,
        createdTimeFrom,
        createdTimeTo,
        ...(wanted === undefined ? {} : { runtimeStatus: wanted }),
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      for (const record of page.records) {
        if (!isTerminal(record.status)) continue;
        try {
          await this.engine.purge(record.instanceId);
          deleted++;
        } catch (error) {
          if (!(error instanceof InstanceRunningError || error instanceof InstanceNotFoundError))
            throw error;
        }
      }
      token = page.continuationToken;
    } while (token !== undefined);
    return deleted === 0 ? { status: 404 } : { status: 200, body: { instancesDeleted: deleted } };
  }
}
