import { describe, expect, it } from "vitest";
import { Output, redact } from "./output.js";

const sink = () => {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => lines.push(s) } };
};
const fixed = () => new Date("2026-12-04T20:00:00Z");

describe("output", () => {
  it("writes JSON lines with a timestamp and event name, redacting secrets", () => {
    const out = sink();
    new Output("json", out.stream, out.stream, fixed).event("registered", {
      nodeId: "n1",
      nodeToken: "t0ps3cret",
      queue: { queueUrl: "https://x?sig=abc" },
    });
    expect(JSON.parse(out.lines[0] ?? "")).toEqual({
      ts: "2026-12-04T20:00:00.000Z",
      level: "info",
      event: "registered",
      nodeId: "n1",
      nodeToken: "[redacted]",
      queue: { queueUrl: "[redacted]" },
    });
  });

  it("chooses JSON when asked or when stdout is not a TTY", () => {
    expect(Output.choose(true, { isTTY: true })).toBe("json");
    expect(Output.choose(false, { isTTY: false })).toBe("json");
    expect(Output.choose(false, { isTTY: true })).toBe("human");
  });

  it("human lines carry the time, the event and its fields; status lines are replaced", () => {
    const out = sink();
    const output = new Output("human", out.stream, out.stream, fixed);
    output.status("API unreachable, retrying in 2 s");
    output.event("job.started", { jobId: "j1" });
    const text = out.lines.join("");
    expect(text).toContain("20:00:00");
    expect(text).toContain("job.started");
    expect(text).toContain("j1");
    expect(text).toContain("\r\x1b[2K");
  });

  it("redacts nested secret fields but keeps ordinary ones", () => {
    expect(redact({ a: 1, leaseToken: "x", list: [{ apiKey: "k", name: "n" }] })).toEqual({
      a: 1,
      leaseToken: "[redacted]",
      list: [{ apiKey: "[redacted]", name: "n" }],
    });
  });
});
