// The request handler of the host's node:http server: extension endpoints, admin endpoints, function routes.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HostExtension, RegisteredFunction } from "../extension.js";
import type { FunctionsLibrary } from "../functions-library.js";
import type { Invoker } from "../invoker.js";
import type { LogSink } from "../logging.js";
import { PayloadTooLargeError, readRequestBody } from "./request-body.js";
import type { HttpRoute } from "./router.js";
import { matchRoute } from "./router.js";
import { writeHttpResponse } from "./response-writer.js";

export interface HttpHandlerDeps {
  routes: readonly HttpRoute[];
  functions: readonly RegisteredFunction[];
  invoker: Invoker;
  library: FunctionsLibrary;
  extensions: readonly HostExtension[];
  sink: LogSink;
  maxRequestBodyBytes: number;
  hostVersion: string;
  /** Origin used for request URLs when the client sent no Host header. */
  fallbackOrigin: () => string;
}

const NO_BODY_METHODS = new Set(["GET", "HEAD"]);
const HTTP_REASON = "This function was invoked by an HTTP request.";

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Flattens node's header object into the Record<string, string> HttpRequestInit takes. */
function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(name === "cookie" ? "; " : ", ") : value;
  }
  return headers;
}

function describeTrigger(fn: RegisteredFunction): Record<string, unknown> {
  const { type, route, methods, queueName, schedule } = fn.trigger;
  return { name: fn.name, trigger: type, route, methods, queueName, schedule };
}

/** Builds the (req, res) listener; HTTP-triggered functions run through the shared Invoker. */
export function createHttpHandler(
  deps: HttpHandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const extensionRoutes = deps.extensions.filter(
    (
      e,
    ): e is HostExtension & {
      httpPathPrefix: string;
      handleHttp: NonNullable<HostExtension["handleHttp"]>;
    } => typeof e.httpPathPrefix === "string" && typeof e.handleHttp === "function",
  );

  async function runFunction(
    req: IncomingMessage,
    res: ServerResponse,
    route: HttpRoute,
    params: Record<string, string>,
  ) {
    const method = req.method ?? "GET";
    let body: Buffer | undefined;
    if (!NO_BODY_METHODS.has(method)) {
      try {
        body = await readRequestBody(req, deps.maxRequestBodyBytes);
      } catch (error) {
        if (error instanceof PayloadTooLargeError) {
          sendJson(
            res,
            413,
            { error: "Payload Too Large", detail: error.message },
            { connection: "close" },
          );
          return;
        }
        throw error;
      }
    } else {
      req.resume();
    }
    const host = req.headers.host;
    const url =
      host === undefined
        ? `${deps.fallbackOrigin()}${req.url ?? "/"}`
        : `http://${host}${req.url ?? "/"}`;
    const request = new deps.library.HttpRequest({
      method,
      url,
      headers: flattenHeaders(req),
      params,
      body: body === undefined || body.length === 0 ? undefined : { bytes: body },
    });
    const invocationId = randomUUID();
    let invoked = false;
    try {
      const execution = await deps.invoker.execute(route.fn, request, {
        reason: HTTP_REASON,
        invocationId,
      });
      invoked = true;
      const result =
        route.responseBinding === "$return"
          ? execution.result
          : execution.context.extraOutputs.get(route.responseBinding);
      await writeHttpResponse(res, result, deps.library);
    } catch (error) {
      // A failed invocation is logged by the invoker; only response-sending failures surface here first.
      if (invoked) {
        // A client leaving a streamed response (e.g. a log tail) is routine, not an error.
        const clientLeft =
          res.destroyed || (error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE";
        deps.sink.write({
          time: new Date(),
          level: clientLeft ? "debug" : "error",
          message: clientLeft
            ? "The client closed the connection before the response was complete."
            : `Could not send the HTTP response: ${error instanceof Error ? error.message : String(error)}`,
          functionName: route.fn.name,
          invocationId,
        });
      }
      if (!res.headersSent) sendJson(res, 500, { error: "Internal Server Error", invocationId });
      else res.destroy();
    }
  }

  function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method !== "GET") return false;
    if (path === "/admin/host/status") {
      sendJson(res, 200, { state: "Running", version: deps.hostVersion });
      return true;
    }
    if (path === "/admin/functions") {
      sendJson(res, 200, deps.functions.map(describeTrigger));
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    for (const extension of extensionRoutes) {
      if (path.startsWith(extension.httpPathPrefix)) {
        await extension.handleHttp(req, res);
        return;
      }
    }
    if (path.startsWith("/admin/") && handleAdmin(req, res, path)) return;
    const method = (req.method ?? "GET").toUpperCase();
    const match = matchRoute(deps.routes, method, path);
    if (match.kind === "not-found") {
      req.resume();
      res.writeHead(404, { "content-length": 0 }).end();
      return;
    }
    if (match.kind === "method-not-allowed") {
      req.resume();
      res.writeHead(405, { allow: match.allow.join(", "), "content-length": 0 }).end();
      return;
    }
    await runFunction(req, res, match.route, match.params);
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.sink.write({
        time: new Date(),
        level: "error",
        message: `Unhandled error serving ${req.method ?? "?"} ${req.url ?? ""}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      });
      if (!res.headersSent) sendJson(res, 500, { error: "Internal Server Error" });
      else res.destroy();
    });
  };
}
