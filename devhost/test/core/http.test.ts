import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHost, type RunningHost } from "../../src/host.js";
import { capturingSink, fixture, waitFor, type CapturingSink } from "./helpers.js";

let host: RunningHost;
let logs: CapturingSink;

beforeAll(async () => {
  logs = capturingSink();
  host = await startHost({
    appDir: fixture("http-app"),
    port: 0,
    logger: logs,
    maxRequestBodyBytes: 1024,
  });
});

afterAll(async () => {
  await host?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(`${host.url}${path}`, init);

describe("HTTP routing", () => {
  it("matches route parameters with int, alpha and guid constraints", async () => {
    expect(await (await get("/api/items/42")).json()).toEqual({ id: 42, matched: "int" });
    expect(await (await get("/api/items/widget")).json()).toEqual({
      name: "widget",
      matched: "alpha",
    });
    const guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
    expect(await (await get(`/api/things/${guid}`)).json()).toEqual({ id: guid });
    expect((await get("/api/things/not-a-guid")).status).toBe(404);
    expect((await get("/api/items/12ab")).status).toBe(404);
  });

  it("prefers a literal segment over a parameter that would also match", async () => {
    expect(await (await get("/api/items/latest")).json()).toEqual({ matched: "literal" });
  });

  it("supports optional and catch-all parameters and the function-name default route", async () => {
    expect(await (await get("/api/opt")).json()).toEqual({ id: null });
    expect(await (await get("/api/opt/7")).json()).toEqual({ id: "7" });
    expect(await (await get("/api/files/a/b%20c/d.txt")).json()).toEqual({ path: "a/b c/d.txt" });
    const res = await get("/api/defaultRoute");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("default route");
  });

  it("answers 404 for an unknown route and 405 with Allow for a wrong method", async () => {
    expect((await get("/api/nope")).status).toBe(404);
    expect((await get("/items/42")).status).toBe(404);
    const wrong = await get("/api/echo/json");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    const both = await get("/api/defaultRoute", { method: "DELETE" });
    expect(both.status).toBe(405);
    expect(both.headers.get("allow")).toBe("GET, PUT");
  });

  it("passes query strings, headers and the full URL to the handler and logs context.log", async () => {
    const res = await get("/api/query?q=1&q=two", { headers: { "x-test": "hello" } });
    const body = (await res.json()) as { q: string[]; header: string; url: string };
    expect(body).toEqual({
      q: ["1", "two"],
      header: "hello",
      url: `${host.url}/api/query?q=1&q=two`,
    });
    expect(
      logs.records.some((r) => r.functionName === "query" && r.message === "query called with 1"),
    ).toBe(true);
    expect(
      logs.records.some((r) =>
        /^Executed 'Functions\.query' \(Succeeded, Id=[0-9a-f-]{36}, Duration=\d+ms\)$/.test(
          r.message,
        ),
      ),
    ).toBe(true);
  });
});

describe("HTTP bodies and responses", () => {
  it("round-trips JSON, text and binary bodies", async () => {
    const json = await get("/api/echo/json", {
      method: "POST",
      body: JSON.stringify({ a: [1, 2] }),
      headers: { "content-type": "application/json" },
    });
    expect(json.status).toBe(201);
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.json()).toEqual({ received: { a: [1, 2] } });

    const text = await get("/api/echo/text", { method: "POST", body: "héllo" });
    expect(text.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await text.text()).toBe("text:héllo");

    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const binary = await get("/api/echo/binary", { method: "POST", body: bytes });
    expect(binary.headers.get("content-type")).toBe("application/octet-stream");
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([255, 250, 2, 1, 0]);
  });

  it("sends headers and cookies", async () => {
    const res = await get("/api/cookies");
    expect(res.headers.get("x-custom")).toBe("yes");
    expect(res.headers.getSetCookie()).toEqual([
      "session=abc; Path=/; HttpOnly; SameSite=Lax",
      "theme=dark; Max-Age=60",
    ]);
  });

  it("sends an HttpResponse instance and answers 204 when the handler returns nothing", async () => {
    const res = await get("/api/instance");
    expect(res.status).toBe(202);
    expect(res.headers.get("x-kind")).toBe("instance");
    expect(await res.json()).toEqual({ via: "HttpResponse" });
    expect((await get("/api/nothing")).status).toBe(204);
  });

  it.each([
    ["/api/stream/web", ["chunk-1\n", "chunk-2\n", "chunk-3\n"]],
    ["/api/stream/iterable", ["part-1\n", "part-2\n", "part-3\n"]],
  ])("streams %s to the client in pieces as they are produced", async (path, parts) => {
    const arrivals = await new Promise<{ text: string; at: number }[]>((resolve, reject) => {
      const seen: { text: string; at: number }[] = [];
      request(`${host.url}${path}`, (res) => {
        res.setEncoding("utf8");
        res.on("data", (text: string) => seen.push({ text, at: Date.now() }));
        res.on("end", () => resolve(seen));
        res.on("error", reject);
      })
        .on("error", reject)
        .end();
    });
    expect(arrivals.map((a) => a.text).join("")).toBe(parts.join(""));
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    // The first piece arrived well before the last one was produced (~300 ms later): not buffered.
    expect(arrivals.at(-1)!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it("cancels the handler's stream when the client disconnects, without logging an error", async () => {
    const state = ((
      globalThis as { __devhostEndless?: { cancelled: boolean } }
    ).__devhostEndless ??= { cancelled: false });
    const errorsBefore = logs.records.filter((r) => r.level === "error").length;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${host.url}/api/stream/endless`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => undefined);
      req.on("close", resolve);
      req.end();
      setTimeout(() => reject(new Error("no data")), 5_000);
    });
    await waitFor(() => (state.cancelled ? true : undefined), 5_000);
    expect(logs.records.filter((r) => r.level === "error")).toHaveLength(errorsBefore);
  });

  it("rejects a body over the size limit with 413, declared or chunked", async () => {
    const declared = await get("/api/echo/text", { method: "POST", body: "x".repeat(2048) });
    expect(declared.status).toBe(413);
    const chunkedStatus = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${host.url}/api/echo/text`,
        { method: "POST", headers: { "transfer-encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 4; i++) req.write("y".repeat(512));
      req.end();
    });
    expect(chunkedStatus).toBe(413);
    expect((await get("/api/echo/text", { method: "POST", body: "small" })).status).toBe(200);
  });

  it("answers 500 with the invocation id when the handler throws, and logs the error", async () => {
    const res = await get("/api/boom");
    expect(res.status).toBe(500);
    const body = (await res.json()) as { invocationId: string };
    expect(body.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    const failure = logs.records.find(
      (r) => r.invocationId === body.invocationId && r.level === "error",
    );
    expect(failure?.message).toContain("Failed");
    expect(failure?.message).toContain("kaboom");
  });

  it("serves the host status endpoint", async () => {
    const res = await get("/admin/host/status");
    expect(await res.json()).toMatchObject({ state: "Running" });
  });

  it("lets an in-flight request finish when the host stops, then refuses connections", async () => {
    const pending = get("/api/slow");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await host.stop();
    const res = await pending;
    expect(await res.text()).toBe("finished");
    await expect(get("/api/items/1")).rejects.toThrow();
  });
});
