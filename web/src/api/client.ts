// The typed API client: one method per endpoint the web app uses.
import {
  AccountSchema,
  ArtifactListSchema,
  BillingSummarySchema,
  EarningsStatementSchema,
  InvoiceSchema,
  JobListSchema,
  JobLogSliceSchema,
  JobSchema,
  MarketplaceSummarySchema,
  NodeOwnerViewSchema,
  NodePublicSchema,
  PricingSchema,
  SustainabilityAnalyticsSchema,
  UsageAnalyticsSchema,
  type JobStatus,
  type NodeOwnerView,
  type NodePublic,
  type SubmitJobRequestSchema,
} from "@wastecompute/contracts";
import { z } from "zod";
import { apiFetchBase } from "./config.js";
import { requestJson, send, withQuery, type HttpOptions } from "./http.js";

/** `/api/me` is read leniently: the dashboard needs only who and which roles. */
export const MeSchema = AccountSchema.pick({
  id: true,
  name: true,
  email: true,
  roles: true,
  research: true,
});
export type Me = z.infer<typeof MeSchema>;

const AnyNodeSchema = z.union([NodeOwnerViewSchema, NodePublicSchema]);
export type AnyNode = NodeOwnerView | NodePublic;
/** `/api/nodes` answers a page; a bare array is accepted too. */
const NodeListSchema = z.union([
  z.object({ items: z.array(AnyNodeSchema), continuationToken: z.string().optional() }),
  z.array(AnyNodeSchema).transform((items) => ({ items, continuationToken: undefined })),
]);

export type SubmitJobInput = z.input<typeof SubmitJobRequestSchema>;

export interface JobListFilter {
  status?: readonly JobStatus[];
  limit?: number;
  continuationToken?: string;
}

export function isOwnerView(node: AnyNode): node is NodeOwnerView {
  return "sellerId" in node;
}

export class ApiClient {
  private readonly http: HttpOptions;

  constructor(apiKey?: string, baseUrl = apiFetchBase()) {
    this.http = { baseUrl, apiKey };
  }

  me() {
    return requestJson(this.http, "/api/me", MeSchema);
  }

  submitJob(request: SubmitJobInput) {
    return requestJson(this.http, "/api/jobs", JobSchema, { method: "POST", body: request });
  }

  listJobs(filter: JobListFilter = {}) {
    const path = withQuery("/api/jobs", {
      status: filter.status?.join(","),
      limit: filter.limit,
      continuationToken: filter.continuationToken,
    });
    return requestJson(this.http, path, JobListSchema);
  }

  getJob(id: string) {
    return requestJson(this.http, `/api/jobs/${encodeURIComponent(id)}`, JobSchema);
  }

  jobLogs(id: string, offset: number, signal?: AbortSignal) {
    const path = withQuery(`/api/jobs/${encodeURIComponent(id)}/logs`, { offset });
    return requestJson(this.http, path, JobLogSliceSchema, { signal });
  }

  async cancelJob(id: string): Promise<void> {
    await send(this.http, `/api/jobs/${encodeURIComponent(id)}/cancel`, { method: "POST" });
  }

  jobArtifacts(id: string) {
    return requestJson(
      this.http,
      `/api/jobs/${encodeURIComponent(id)}/artifacts`,
      ArtifactListSchema,
    );
  }

  listNodes() {
    return requestJson(this.http, "/api/nodes", NodeListSchema);
  }

  async drainNode(id: string): Promise<void> {
    await send(this.http, `/api/nodes/${encodeURIComponent(id)}/drain`, { method: "POST" });
  }

  pricing() {
    return requestJson(this.http, "/api/billing/pricing", PricingSchema);
  }

  invoice(month: string) {
    return requestJson(this.http, withQuery("/api/billing/invoice", { month }), InvoiceSchema);
  }

  async invoiceCsv(month: string): Promise<Blob> {
    const response = await send(this.http, withQuery("/api/billing/invoice", { month }), {
      accept: "text/csv",
    });
    return response.blob();
  }

  billingSummary() {
    return requestJson(this.http, "/api/billing/summary", BillingSummarySchema);
  }

  earnings(month: string) {
    return requestJson(
      this.http,
      withQuery("/api/billing/earnings", { month }),
      EarningsStatementSchema,
    );
  }

  async earningsCsv(month: string): Promise<Blob> {
    const response = await send(this.http, withQuery("/api/billing/earnings", { month }), {
      accept: "text/csv",
    });
    return response.blob();
  }

  marketplaceSummary() {
    return requestJson(this.http, "/api/analytics/summary", MarketplaceSummarySchema);
  }

  usage() {
    return requestJson(this.http, "/api/analytics/usage", UsageAnalyticsSchema);
  }

  sustainability() {
    return requestJson(this.http, "/api/analytics/sustainability", SustainabilityAnalyticsSchema);
  }
}
