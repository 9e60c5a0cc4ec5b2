import { describe, expect, it } from "vitest";
import { Backoff, backoffDelayMs, sleep } from "./backoff.js";

const opts = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };

describe("back-off", () => {
  it("doubles from the initial delay and stops growing at the maximum", () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelayMs(a, opts, top))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it("jitter only ever shortens the delay, down to (1 - jitter) of it", () => {
    expect(backoffDelayMs(2, opts, () => 0)).toBe(200);
    expect(backoffDelayMs(2, opts, () => 0.5)).toBe(300);
  });

  it("a counter resets to the initial delay after a success", () => {
    const b = new Backoff({ ...opts, jitter: 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([100, 200, 400]);
    expect(b.failures).toBe(3);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it("sleep returns early when aborted", async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(5000, ac.signal);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
