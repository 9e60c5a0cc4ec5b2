import { describe, expect, it } from "vitest";
import { nameMatches, nameWords } from "./model-names.js";

describe("model names", () => {
  it("splits names into lower-case words", () => {
    expect(nameWords("NVIDIA A100-SXM4-80GB")).toEqual(["nvidia", "a100", "sxm4", "80gb"]);
    expect(nameWords("  ")).toEqual([]);
  });

  it("matches whole words only, ignoring case and punctuation", () => {
    expect(nameMatches("A100", "NVIDIA A100-SXM4-80GB")).toBe(true);
    expect(nameMatches("a100 80gb", "NVIDIA A100-SXM4-80GB")).toBe(true);
    expect(nameMatches("A10", "NVIDIA A100-SXM4-80GB")).toBe(false);
    expect(nameMatches("H100", "NVIDIA A100")).toBe(false);
    expect(nameMatches("", "NVIDIA A100")).toBe(false);
  });
});
