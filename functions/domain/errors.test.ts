import { describe, expect, it } from "vitest";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InsufficientCapacityError,
  InvalidTransitionError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  isDomainError,
} from "./errors.js";

describe("domain errors", () => {
  it("each error carries the HTTP status and a distinct stable problem type", () => {
    const errors: DomainError[] = [
      new ValidationError("bad", [{ path: "a.b", message: "must be positive" }]),
      new UnauthorizedError("who?"),
      new ForbiddenError("no"),
      new NotFoundError("gone"),
      new ConflictError("stale"),
      new InvalidTransitionError("succeeded", "running"),
      new InsufficientCapacityError("node-1", "full"),
    ];
    expect(errors.map((e) => e.status)).toEqual([400, 401, 403, 404, 409, 409, 409]);
    expect(new Set(errors.map((e) => e.type)).size).toBe(errors.length);
    for (const e of errors) {
      expect(e.type).toMatch(/^https:\/\/wastecompute\.dev\/problems\/[a-z-]+$/);
      expect(e.title.length).toBeGreaterThan(0);
      expect(isDomainError(e)).toBe(true);
      expect(e).toBeInstanceOf(Error);
    }
  });

  it("names the concrete class and keeps field errors and transition ends", () => {
    const v = new ValidationError("bad", [{ path: "cpuCores", message: "too many" }]);
    expect(v.name).toBe("ValidationError");
    expect(v.errors).toEqual([{ path: "cpuCores", message: "too many" }]);
    const t = new InvalidTransitionError("succeeded", "running");
    expect(t.name).toBe("InvalidTransitionError");
    expect([t.from, t.to]).toEqual(["succeeded", "running"]);
    expect(t.message).toBe("a job cannot go from succeeded to running");
    expect(isDomainError(new Error("plain"))).toBe(false);
  });
});
