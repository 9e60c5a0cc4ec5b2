// The route table: every HTTP endpoint of the app, in one list that both the function registry
// (functions/index.ts) and the OpenAPI document read.
import { accountEndpoints } from "./accounts.js";
import { agentEndpoints } from "./agent.js";
import { analyticsEndpoints } from "./analytics.js";
import { billingEndpoints } from "./billing.js";
import { endpoint, json, type Endpoint } from "./endpoint.js";
import { healthEndpoints } from "./health.js";
import { jobOutputEndpoints } from "./job-output.js";
import { jobEndpoints } from "./jobs.js";
import { legacyEndpoints } from "./legacy.js";
import { nodeEndpoints } from "./nodes.js";
import { buildOpenApi } from "./openapi.js";

const apiEndpoints: Endpoint[] = [
  ...healthEndpoints,
  ...accountEndpoints,
  ...jobEndpoints,
  ...jobOutputEndpoints,
  ...nodeEndpoints,
  ...agentEndpoints,
  ...billingEndpoints,
  ...analyticsEndpoints,
  ...legacyEndpoints,
];

let openApiDocument: Record<string, unknown> | undefined;

const openApiEndpoint = endpoint({
  name: "openApi",
  method: "GET",
  route: "openapi.json",
  tag: "meta",
  summary: "This API's OpenAPI 3.1 document, generated from its zod schemas.",
  access: { kind: "public" },
  async handle() {
    openApiDocument ??= buildOpenApi(routes);
    return json(openApiDocument);
  },
});

export const routes: readonly Endpoint[] = [...apiEndpoints, openApiEndpoint];
