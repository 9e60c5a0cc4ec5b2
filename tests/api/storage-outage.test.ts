// A job the platform cannot schedule (its storage is down) is not accepted: the buyer gets an
// error and nothing stays behind, so no job waits forever in `queued`.
import type { Job, JobList } from "@wastecompute/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findIdempotencyRecord } from "../../functions/store/idempotency.js";
import { api } from "../support/api-client.js";
import { startTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe("submitting while storage is down", () => {
  it("answers a server error and leaves neither a queued job nor a claimed Idempotency-Key", async () => {
    await stack.stopStorage();
    const submitted = await api<Job>(stack.apiUrl, "POST", "/api/jobs", {
      key: stack.keys.buyer,
      body: { command: "echo never" },
      headers: { "idempotency-key": "outage-1" },
    });
    expect(submitted.status).toBeGreaterThanOrEqual(500);

    const listed = await api<JobList>(stack.apiUrl, "GET", "/api/jobs", { key: stack.keys.buyer });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    expect(await findIdempotencyRecord(stack.accounts.buyer, "outage-1")).toBeUndefined();
  });
});
