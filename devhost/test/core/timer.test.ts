import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHost, type RunningHost } from "../../src/host.js";
import { capturingSink, fixture, waitFor } from "./helpers.js";

interface Fired {
  fn: string;
  timer: {
    isPastDue: boolean;
    scheduleStatus: { last: string; next: string; lastUpdated: string };
    schedule: unknown;
  };
  at: number;
}

const fired = (): Fired[] =>
  ((globalThis as { __devhostTimerFired?: Fired[] }).__devhostTimerFired ??= []);

let host: RunningHost;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  host = await startHost({ appDir: fixture("timer-app"), port: 0, logger: capturingSink() });
});

afterAll(async () => {
  await host?.stop();
});

describe("timer trigger", () => {
  it("loads every file matched by a glob in package.json main", () => {
    expect(host.functions.map((f) => f.name).sort()).toEqual(["everySecond", "onStartup"]);
  });

  it("fires a runOnStartup timer once at start-up with its schedule status", async () => {
    const first = await waitFor(() => fired().find((f) => f.fn === "onStartup"));
    expect(first.at - startedAt).toBeLessThan(5_000);
    expect(first.timer.isPastDue).toBe(false);
    expect(first.timer.scheduleStatus.last).toBe("0001-01-01T00:00:00.000Z");
    // The yearly schedule's next occurrence is 1 January at midnight UTC.
    expect(first.timer.scheduleStatus.next).toMatch(/^\d{4}-01-01T00:00:00\.000Z$/);
  });

  it("fires a */1 seconds schedule repeatedly, on second boundaries", async () => {
    const runs = await waitFor(() => {
      const list = fired().filter((f) => f.fn === "everySecond");
      return list.length >= 3 ? list : undefined;
    }, 10_000);
    const [a, b, c] = runs;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(800);
    expect(c!.at - b!.at).toBeLessThan(2_500);
    // Each run reports the previous run as `last`.
    expect(Date.parse(b!.timer.scheduleStatus.last)).toBeGreaterThan(
      Date.parse(a!.timer.scheduleStatus.last),
    );
    expect(fired().filter((f) => f.fn === "onStartup")).toHaveLength(1);
  });

  it("stops firing after stop()", async () => {
    await host.stop();
    const count = fired().length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fired().length).toBe(count);
  });
});
