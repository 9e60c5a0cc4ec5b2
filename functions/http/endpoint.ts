// The declarative endpoint: method, route, who may call it, and the schemas of what it takes.
// One wrapper authorises, parses and validates fully before the handler runs (so a client's
// mistake never writes anything), and maps every error once. The same declarations feed the
// function registry and the OpenAPI document.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { z } from "zod";
import { authorize, type Access, type CallerFor } from "./auth.js";
import { errorToResponse, HttpProblem, validationFailed } from "./problem.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** How the request body is read: JSON validated by a schema, raw bytes, or none. */
export type BodyKind = "json" | "raw" | "none";

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface Call<TBody, TQuery, TCaller> {
  request: HttpRequest;
  context: InvocationContext;
  params: Record<string, string>;
  body: TBody;
  /** The body's bytes on raw-body endpoints; empty otherwise. */
  rawBody: Buffer;
  query: TQuery;
  caller: TCaller;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface EndpointSpec<
  A extends Access,
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
> {
  /** Function name in the registry (unique). */
  name: string;
  method: HttpMethod;
  /** Route below /api, Azure Functions syntax: `jobs/{id}`. */
  route: string;
  summary: string;
  tag: string;
  access: A;
  body?: B;
  /** Raw-body endpoints (artifact upload) take bytes instead of JSON. */
  rawBody?: boolean;
  maxBodyBytes?: number;
  query?: Q;
  /** The success answer's schema, for the OpenAPI document. */
  response?: z.ZodType;
  successStatus?: number;
  /** Content types the endpoint may answer with besides JSON (e.g. text/csv). */
  produces?: readonly string[];
  handle(call: Call<Parsed<B>, Parsed<Q>, CallerFor<A>>): Promise<HttpResponseInit>;
}

/** An endpoint with its types erased, as the registry and the OpenAPI generator see it. */
export interface Endpoint {
  name: string;
  method: HttpMethod;
  route: string;
  summary: string;
  tag: string;
  access: Access;
  bodyKind: BodyKind;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  successStatus: number;
  produces: readonly string[];
  invoke(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit>;
}

async function readBody(request: HttpRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new HttpProblem(413, "Payload too large", `The body may be at most ${maxBytes} bytes.`);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes)
    throw new HttpProblem(413, "Payload too large", `The body may be at most ${maxBytes} bytes.`);
  return bytes;
}

function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, "Malformed JSON", "The request body is not valid JSON.");
  }
}

export function endpoint<
  A extends Access,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(spec: EndpointSpec<A, B, Q>): Endpoint {
  const bodyKind: BodyKind =
    spec.rawBody === true ? "raw" : spec.body !== undefined ? "json" : "none";
  const maxBodyBytes = spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    name: spec.name,
    method: spec.method,
    route: spec.route,
    summary: spec.summary,
    tag: spec.tag,
    access: spec.access,
    bodyKind,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.query === undefined ? {} : { query: spec.query }),
    ...(spec.response === undefined ? {} : { response: spec.response }),
    successStatus: spec.successStatus ?? 200,
    produces: spec.produces ?? [],
    async invoke(request, context) {
      try {
        const params: Record<string, string> = { ...request.params };
        const caller = await authorize(spec.access, request, params);
        let query: unknown = undefined;
        if (spec.query !== undefined) {
          const result = spec.query.safeParse(Object.fromEntries(request.query.entries()));
          if (!result.success) throw validationFailed("query", result.error, ["query"]);
          query = result.data;
        }
        let body: unknown = undefined;
        let rawBody: Buffer = Buffer.alloc(0);
        if (bodyKind === "raw") {
          rawBody = await readBody(request, maxBodyBytes);
        } else if (bodyKind === "json" && spec.body !== undefined) {
          const result = spec.body.safeParse(parseJson(await readBody(request, maxBodyBytes)));
          if (!result.success) throw validationFailed("request body", result.error);
          body = result.data;
        }
        // The casts restate what authorize() and the schemas just established.
        return await spec.handle({
          request,
          context,
          params,
          body: body as Parsed<B>,
          rawBody,
          query: query as Parsed<Q>,
          caller: caller as CallerFor<A>,
        });
      } catch (error) {
        return errorToResponse(error, context);
      }
    },
  };
}

/** A JSON answer. */
export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, jsonBody: body, headers: { "content-type": "application/json", ...headers } };
}
