// The OpenAPI 3.1 document, generated from the same endpoint declarations the registry uses and
// the zod schemas of @wastecompute/contracts, so the reference cannot drift from the code.
import { ProblemSchema } from "@wastecompute/contracts";
import { z } from "zod";
import type { Access } from "./auth.js";
import type { Endpoint } from "./endpoint.js";

type JsonObject = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonObject =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonObject;

function security(access: Access): JsonObject[] {
  switch (access.kind) {
    case "public":
      return [];
    case "roles":
      return [{ apiKey: [] }];
    case "node":
      return [{ nodeToken: [] }];
    case "lease":
      return [{ nodeToken: [], leaseToken: [] }];
  }
}

function whoMayCall(access: Access): string {
  switch (access.kind) {
    case "public":
      return "Anyone (no auth).";
    case "roles":
      return `API key of a ${access.roles.join(" / ")} account.`;
    case "node":
      return "The node's token.";
    case "lease":
      return "The node's token plus the job's lease token (x-wc-lease).";
  }
}

function queryParameters(schema: z.ZodType | undefined): JsonObject[] {
  if (schema === undefined) return [];
  const json = toSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.has(name),
    schema: property,
  }));
}

const pathParameters = (route: string): JsonObject[] =>
  [...route.matchAll(/\{(\w+)\??\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));

const problemContent = {
  "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
};

export function buildOpenApi(endpoints: readonly Endpoint[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const ep of endpoints) {
    const path = `/api/${ep.route.replace(/\?\}/g, "}")}`;
    const responses: JsonObject = {
      [String(ep.successStatus)]: {
        description: "Success",
        ...(ep.response === undefined && ep.produces.length === 0
          ? {}
          : {
              content: {
                ...(ep.response === undefined
                  ? {}
                  : { "application/json": { schema: toSchema(ep.response, "output") } }),
                ...Object.fromEntries(
                  ep.produces.map((type) => [type, { schema: { type: "string" } }]),
                ),
              },
            }),
      },
      default: { description: "Problem (RFC 9457)", content: problemContent },
    };
    const operation: JsonObject = {
      operationId: ep.name,
      summary: ep.summary,
      description: whoMayCall(ep.access),
      tags: [ep.tag],
      security: security(ep.access),
      parameters: [...pathParameters(ep.route), ...queryParameters(ep.query)],
      responses,
    };
    if (ep.bodyKind === "json" && ep.body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: toSchema(ep.body, "input") } },
      };
    } else if (ep.bodyKind === "raw") {
      operation.requestBody = {
        required: true,
        content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      };
    }
    paths[path] = { ...(paths[path] ?? {}), [ep.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "WasteCompute API",
      version: "1.0.0",
      description:
        "Marketplace for idle CPU/GPU time. Errors are application/problem+json. Money is integer micro-dollars.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "Account API key `wc_...`" },
        nodeToken: { type: "http", scheme: "bearer", description: "Node token `wcn_...`" },
        leaseToken: {
          type: "apiKey",
          in: "header",
          name: "x-wc-lease",
          description: "Lease token `wcl_...` from the dispatch message",
        },
      },
      schemas: { Problem: toSchema(ProblemSchema, "output") },
    },
    paths,
  };
}
