import { describe, expect, it } from "vitest";
import { utf8BoundaryLength } from "./job-output.js";

describe("utf8BoundaryLength", () => {
  it("keeps a slice of whole characters as it is", () => {
    const bytes = Buffer.from("héllo €", "utf8");
    expect(utf8BoundaryLength(bytes)).toBe(bytes.length);
  });

  it("stops before a character cut in half, so the next slice starts on it", () => {
    const euro = Buffer.from("ab€", "utf8"); // € is 3 bytes
    expect(utf8BoundaryLength(euro.subarray(0, 3))).toBe(2);
    expect(utf8BoundaryLength(euro.subarray(0, 4))).toBe(2);
    expect(utf8BoundaryLength(euro)).toBe(5);
  });

  it("handles four-byte characters and empty input", () => {
    const emoji = Buffer.from("x😀", "utf8");
    expect(utf8BoundaryLength(emoji.subarray(0, 4))).toBe(1);
    expect(utf8BoundaryLength(Buffer.alloc(0))).toBe(0);
  });
});
