// The log follower hands every byte on once and in order, across gaps, errors and restarts.
import type { JobLogSlice, JobStatus } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../web/src/api/api-error.js";
import { followLog, type LogFollowerHooks } from "../../../web/src/lib/log-follower.js";

/** A job log that grows by one piece per poll, then finishes. */
function growingLog(pieces: string[], opts: { failEvery?: number; status?: JobStatus } = {}) {
  let polls = 0;
  let published = 0;
  return {
    fetchSlice: async (offset: number): Promise<JobLogSlice> => {
      polls += 1;
      if (opts.failEvery && polls % opts.failEvery === 0)
        throw new ApiError(0, "Cannot reach the API", undefined);
      published = Math.min(pieces.length, published + 1);
      const text = pieces.slice(0, published).join("");
      const bytes = Buffer.from(text);
      const done = published === pieces.length;
      return {
        jobId: "job-1",
        offset,
        nextOffset: bytes.length,
        data: bytes.subarray(offset).toString("utf8"),
        status: done ? (opts.status ?? "succeeded") : "running",
        complete: done,
      };
    },
    polls: () => polls,
  };
}

function hooks(
  log: ReturnType<typeof growingLog>,
  seen: string[],
  statuses: string[],
): LogFollowerHooks {
  return {
    fetchSlice: (offset) => log.fetchSlice(offset),
    onData: (data) => seen.push(data),
    onStatus: (status) => statuses.push(status),
    onRetry: () => undefined,
    sleep: async () => undefined,
  };
}

describe("followLog", () => {
  it("delivers the whole log exactly once and reports each status change once", async () => {
    const log = growingLog(["hello\n", "", "done\n"]);
    const seen: string[] = [];
    const statuses: string[] = [];
    const end = await followLog(hooks(log, seen, statuses), 0, new AbortController().signal);
    expect(seen.join("")).toBe("hello\ndone\n");
    expect(statuses).toEqual(["running", "succeeded"]);
    expect(end).toEqual({ kind: "complete", status: "succeeded", offset: 11 });
  });

  it("announces a start before the output it brings, and an end after the output it closes", async () => {
    const log = growingLog(["hello\n", "done\n"]);
    const events: string[] = [];
    await followLog(
      {
        fetchSlice: (offset) => log.fetchSlice(offset),
        onData: (data) => events.push(`data:${data.trim()}`),
        onStatus: (status) => events.push(`status:${status}`),
        onRetry: () => undefined,
        sleep: async () => undefined,
      },
      0,
      new AbortController().signal,
    );
    expect(events).toEqual(["status:running", "data:hello", "data:done", "status:succeeded"]);
  });

  it("keeps going through network failures without repeating or skipping bytes", async () => {
    const log = growingLog(["a\n", "b\n", "c\n", "d\n", "e\n"], { failEvery: 2 });
    const seen: string[] = [];
    const retries: unknown[] = [];
    const end = await followLog(
      { ...hooks(log, seen, []), onRetry: (e) => retries.push(e) },
      0,
      new AbortController().signal,
    );
    expect(seen.join("")).toBe("a\nb\nc\nd\ne\n");
    expect(retries.length).toBeGreaterThan(0);
    expect(end.kind).toBe("complete");
  });

  it("resumes from a saved offset, so bytes before it are not delivered again", async () => {
    const log = growingLog(["hello\n", "done\n"]);
    const seen: string[] = [];
    await followLog(hooks(log, seen, []), 6, new AbortController().signal);
    expect(seen.join("")).toBe("done\n");
  });

  it("stops for good when the key is refused or the job does not exist", async () => {
    const end = await followLog(
      {
        fetchSlice: async () => {
          throw new ApiError(404, "Not found", undefined);
        },
        onData: () => undefined,
        onStatus: () => undefined,
        onRetry: () => {
          throw new Error("a 404 must not be retried");
        },
        sleep: async () => undefined,
      },
      0,
      new AbortController().signal,
    );
    expect(end.kind).toBe("failed");
  });

  it("stops when aborted, reporting how far it got", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const end = await followLog(
      {
        fetchSlice: async (offset) => ({
          jobId: "j",
          offset,
          nextOffset: offset + 1,
          data: "x",
          status: "running",
          complete: false,
        }),
        onData: (d) => {
          seen.push(d);
          if (seen.length === 3) controller.abort();
        },
        onStatus: () => undefined,
        onRetry: () => undefined,
        sleep: async () => undefined,
      },
      0,
      controller.signal,
    );
    expect(end).toEqual({ kind: "aborted", offset: 3 });
  });

  it("asks again rather than accept a slice that starts at another offset", async () => {
    let calls = 0;
    const seen: string[] = [];
    await followLog(
      {
        fetchSlice: async (offset) => {
          calls += 1;
          if (calls === 1)
            return {
              jobId: "j",
              offset: offset + 2,
              nextOffset: offset + 5,
              data: "xyz",
              status: "running",
              complete: false,
            };
          return {
            jobId: "j",
            offset,
            nextOffset: offset + 2,
            data: "ok",
            status: "succeeded",
            complete: true,
          };
        },
        onData: (d) => seen.push(d),
        onStatus: () => undefined,
        onRetry: () => undefined,
        sleep: async () => undefined,
      },
      0,
      new AbortController().signal,
    );
    expect(seen).toEqual(["ok"]);
  });
});
