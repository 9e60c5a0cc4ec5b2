import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiClient, ApiError, ApiUnreachableError } from "./api-client.js";

const fast = { initialMs: 1, maxMs: 2, factor: 2, jitter: 0 };

function fakeFetch(answers: Array<Response | Error>, seen: Request[] = []): typeof fetch {
  return async (input, init) => {
    seen.push(new Request(input, init));
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    if (next instanceof Error) throw next;
    return next;
  };
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });

describe("api client", () => {
  it("retries 5xx and network errors with back-off, then succeeds", async () => {
    const retries: string[] = [];
    const client = new ApiClient({
      baseUrl: "http://api.test/",
      fetchImpl: fakeFetch([json(503, {}), new TypeError("fetch failed"), json(200, { ok: true })]),
      backoff: fast,
      onRetry: (r) => retries.push(r.reason),
    });
    await expect(
      client.call({ method: "GET", path: "/api/x" }, z.object({ ok: z.boolean() })),
    ).resolves.toEqual({ ok: true });
    expect(retries).toEqual(["HTTP 503", "fetch failed"]);
  });

  it("does not retry a 4xx and exposes the problem document", async () => {
    const problem = { type: "about:blank", title: "Unauthorized", status: 401, detail: "bad key" };
    const client = new ApiClient({
      baseUrl: "http://api.test",
      fetchImpl: fakeFetch([json(401, problem, "application/problem+json")]),
      backoff: fast,
    });
    const error = await client
      .send({ method: "POST", path: "/api/nodes", json: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).problem?.detail).toBe("bad key");
  });

  it("gives up on an unreachable API with a clear error that does not contain the token", async () => {
    const client = new ApiClient({
      baseUrl: "http://api.test",
      bearer: "secret-token-value",
      fetchImpl: fakeFetch([new TypeError("fetch failed"), new TypeError("fetch failed")]),
      backoff: fast,
    });
    const error = await client
      .send({ method: "GET", path: "/api/x", maxAttempts: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect(String(error)).toContain("unreachable");
    expect(String(error)).not.toContain("secret-token-value");
  });

  it("sends the bearer token and JSON body to the path under the base URL", async () => {
    const seen: Request[] = [];
    const client = new ApiClient({
      baseUrl: "http://api.test/base",
      bearer: "tok",
      fetchImpl: fakeFetch([json(200, {})], seen),
    });
    await client.send({
      method: "POST",
      path: "/api/nodes",
      json: { a: 1 },
      headers: { "x-wc-lease": "L" },
    });
    expect(seen[0]?.url).toBe("http://api.test/base/api/nodes");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer tok");
    expect(seen[0]?.headers.get("x-wc-lease")).toBe("L");
    expect(await seen[0]?.json()).toEqual({ a: 1 });
  });
});
