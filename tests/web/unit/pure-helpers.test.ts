// Formatting, routing, key checks, env parsing and problem+json mapping in the web app.
import { describe, expect, it } from "vitest";
import { errorFromBody, normaliseFieldPath } from "../../../web/src/api/api-error.js";
import { withQuery } from "../../../web/src/api/http.js";
import { allowedRoute, hrefOf, navFor, parseRoute } from "../../../web/src/dashboard/routes.js";
import { parseEnvLines } from "../../../web/src/dashboard/views/console-form.js";
import { keyProblem } from "../../../web/src/lib/api-key.js";
import {
  ENERGY_UNITS,
  MASS_UNITS,
  ago,
  duration,
  energy,
  grams,
  minusUsd,
  monthOf,
  pickUnit,
  trees,
  usd,
} from "../../../web/src/lib/format.js";

describe("format", () => {
  it("keeps micro-dollar precision below a dollar and cents above", () => {
    expect(usd(1280)).toBe("$0.00128");
    expect(usd(0)).toBe("$0.00");
    expect(usd(12_345_678)).toBe("$12.35");
    expect(minusUsd(0)).toBe("—");
    expect(minusUsd(450)).toBe("−$0.00045");
  });

  it("writes durations, grams and months the way the dashboard shows them", () => {
    expect(duration(1.6)).toBe("1.6 s");
    expect(duration(75)).toBe("1m 15s");
    expect(duration(3_725)).toBe("1h 02m");
    expect(grams(0.0057)).toBe("5.7 mg");
    expect(grams(2900)).toBe("2.9 kg");
    expect(monthOf(new Date("2026-12-04T20:00:00Z"))).toBe("2026-12");
    expect(ago("2026-12-04T20:00:00Z", Date.parse("2026-12-04T20:00:12Z"))).toBe("12 s ago");
  });
});

describe("units", () => {
  it("picks the largest unit in which the biggest value is at least 1", () => {
    expect(pickUnit(0.000002, ENERGY_UNITS).label).toBe("mWh");
    expect(pickUnit(0.4, ENERGY_UNITS).label).toBe("Wh");
    expect(pickUnit(3, ENERGY_UNITS).label).toBe("kWh");
    expect(pickUnit(2900, MASS_UNITS).label).toBe("kg");
    expect(pickUnit(0, MASS_UNITS).label).toBe("mg");
  });

  it("never shows a small non-zero energy or tree count as zero", () => {
    expect(energy(0.000002)).toBe("2 mWh");
    expect(energy(8.1)).toBe("8.1 kWh");
    expect(trees(0.0000003)).toBe("< 0.01");
    expect(trees(0.26)).toBe("0.26");
  });
});

describe("routes", () => {
  it("shows each role only its views and sends it to the first one", () => {
    expect(navFor(["seller"]).map((n) => n.name)).toEqual(["nodes", "earnings", "sustainability"]);
    expect(navFor(["buyer"]).map((n) => n.name)).toEqual([
      "console",
      "jobs",
      "nodes",
      "invoices",
      "sustainability",
    ]);
    expect(allowedRoute(parseRoute("#/console"), ["seller"])).toEqual({ name: "nodes" });
    expect(allowedRoute(parseRoute("#/nowhere"), ["buyer"])).toEqual({ name: "console" });
  });

  it("round-trips a job's route", () => {
    const route = parseRoute("#/jobs/job-42");
    expect(route).toEqual({ name: "job", id: "job-42" });
    expect(route && hrefOf(route)).toBe("#/jobs/job-42");
    expect(allowedRoute(route, ["buyer"])).toEqual(route);
  });
});

describe("inputs", () => {
  it("refuses key shapes that cannot be API keys before any request", () => {
    expect(keyProblem("")).toBe("Enter your API key.");
    expect(keyProblem("sk_123456789012")).toContain("start with");
    expect(keyProblem("wc_short")).toContain("whole API key");
    expect(keyProblem("wc_abcdefghijklmnop")).toBeUndefined();
  });

  it("reads KEY=value lines, keeping '=' inside values", () => {
    expect(parseEnvLines("A=1\n\n B=x=y \nFLAG")).toEqual({ A: "1", B: "x=y", FLAG: "" });
  });

  it("builds query strings without empty parameters", () => {
    expect(
      withQuery("/api/jobs", { status: "running,queued", limit: 20, continuationToken: undefined }),
    ).toBe("/api/jobs?status=running%2Cqueued&limit=20");
    expect(withQuery("/api/jobs", {})).toBe("/api/jobs");
  });
});

describe("problem+json", () => {
  it("turns field errors into dotted paths the forms know", () => {
    const error = errorFromBody(400, "Bad Request", {
      type: "https://wastecompute.dev/problems/validation",
      title: "Invalid request",
      status: 400,
      detail: "1 field is invalid",
      errors: [{ path: "/requirements/cpuCores", message: "too big" }],
    });
    expect(error.status).toBe(400);
    expect(error.title).toBe("Invalid request");
    expect(error.fieldErrors).toEqual([{ path: "requirements.cpuCores", message: "too big" }]);
    expect(normaliseFieldPath("$.env[0]")).toBe("env.0");
  });

  it("falls back to the status text when the body is not a problem", () => {
    const error = errorFromBody(502, "Bad Gateway", "<html>");
    expect(error.title).toBe("Bad Gateway");
    expect(error.fieldErrors).toEqual([]);
  });
});
