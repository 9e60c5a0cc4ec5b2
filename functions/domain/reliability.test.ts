import { describe, expect, it } from "vitest";
import { INITIAL_RELIABILITY, RELIABILITY_EMA_WEIGHT, recordOutcome } from "./reliability.js";

const fresh = () => ({
  reliability: INITIAL_RELIABILITY,
  outcomes: { completed: 0, lost: 0, notStarted: 0 },
});

describe("recordOutcome", () => {
  it("moves the score a tenth of the way towards the outcome and counts it", () => {
    const up = recordOutcome(fresh(), "completed");
    expect(up.reliability).toBeCloseTo(0.9 + RELIABILITY_EMA_WEIGHT * 0.1, 12);
    expect(up.outcomes).toEqual({ completed: 1, lost: 0, notStarted: 0 });
    const down = recordOutcome(fresh(), "lost");
    expect(down.reliability).toBeCloseTo(0.81, 12);
    expect(recordOutcome(fresh(), "notStarted").outcomes.notStarted).toBe(1);
  });

  it("stays within 0..1 and converges towards the recent behaviour", () => {
    let node = fresh();
    for (let i = 0; i < 100; i++) node = recordOutcome(node, "lost");
    expect(node.reliability).toBeGreaterThanOrEqual(0);
    expect(node.reliability).toBeLessThan(0.001);
    for (let i = 0; i < 100; i++) node = recordOutcome(node, "completed");
    expect(node.reliability).toBeLessThanOrEqual(1);
    expect(node.reliability).toBeGreaterThan(0.999);
    expect(node.outcomes).toEqual({ completed: 100, lost: 100, notStarted: 0 });
  });

  it("keeps the rest of the node and leaves the input alone", () => {
    const node = { ...fresh(), id: "node-1" };
    const next = recordOutcome(node, "completed");
    expect(next.id).toBe("node-1");
    expect(node.outcomes.completed).toBe(0);
  });
});
