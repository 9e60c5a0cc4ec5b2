import { describe, expect, it } from "vitest";
import { UtilisationSampler } from "./utilisation.js";

describe("utilisation sampler", () => {
  it("derives CPU % and owner load net of the agent's jobs from successive readings", () => {
    const readings = [
      { busy: 0, total: 0 },
      { busy: 300, total: 400 },
    ];
    const sampler = new UtilisationSampler(() => readings.shift());
    sampler.sample(0);
    const u = sampler.sample(2);
    expect(u.cpuPercent).toBe(75);
    expect(u.ownerLoad).toBe(0.25);
  });
});
