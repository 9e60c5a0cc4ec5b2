import { InvocationContext } from "@azure/functions";
import { SubmitJobRequestSchema } from "@wastecompute/contracts";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../domain/errors.js";
import { errorToResponse, fieldErrors, HttpProblem } from "./problem.js";

const context = new InvocationContext({ functionName: "test", logHandler: () => undefined });

describe("problem+json mapping", () => {
  it("names every bad field, unknown keys at their own path", () => {
    const result = SubmitJobRequestSchema.safeParse({
      command: 5,
      extra: true,
      requirements: { cpuCores: 0 },
    });
    expect(result.success).toBe(false);
    const paths = fieldErrors(result.error!).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["command", "extra", "requirements.cpuCores"]));
  });

  it("maps domain errors to their status and zod errors to 400", () => {
    const notFound = errorToResponse(new NotFoundError("No job x."), context);
    expect(notFound.status).toBe(404);
    expect(notFound.headers).toMatchObject({ "content-type": "application/problem+json" });
    const parsed = SubmitJobRequestSchema.safeParse({});
    const invalid = errorToResponse(parsed.error, context);
    expect(invalid.status).toBe(400);
    expect(JSON.parse(String(invalid.body)).errors[0].path).toBe("command");
  });

  it("keeps extra members of HTTP problems and hides internals of unexpected errors", () => {
    const gap = errorToResponse(
      new HttpProblem(409, "Log gap", "resend", { storedBytes: 6 }),
      context,
    );
    expect(JSON.parse(String(gap.body))).toMatchObject({ status: 409, storedBytes: 6 });
    const boom = errorToResponse(new Error("connection string AccountKey=secret"), context);
    expect(boom.status).toBe(500);
    expect(String(boom.body)).not.toContain("secret");
  });
});
