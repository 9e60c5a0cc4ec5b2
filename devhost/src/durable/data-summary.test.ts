import { describe, expect, it } from "vitest";
import { summarizeJson } from "./data-summary.js";

describe("log summaries of user data", () => {
  it("names the shape and size but never a value", () => {
    const secret = JSON.stringify({ apiKey: "s3cr3t-value", nodeId: "n1" });
    expect(summarizeJson(secret)).toBe(`object {apiKey, nodeId} (${secret.length} chars)`);
    expect(summarizeJson(JSON.stringify("token-abc"))).toBe("string (11 chars)");
    expect(summarizeJson("[1,2,3]")).toBe("array[3] (7 chars)");
    expect(summarizeJson("42")).toBe("number");
    expect(summarizeJson(undefined)).toBe("none");
    expect(summarizeJson("not json")).toBe("text (8 chars)");
  });
});
