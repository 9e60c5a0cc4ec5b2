// The one source of truth for WasteCompute's wire schemas, shared by the Function App, the agent
// and the web app.
export * from "./common.js";
export * from "./jobs.js";
export * from "./nodes.js";
export * from "./agent.js";
export * from "./billing.js";
export * from "./accounts.js";
