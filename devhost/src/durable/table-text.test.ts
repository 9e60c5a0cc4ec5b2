import { describe, expect, it } from "vitest";
import { getText, putText, textColumns, type TableEntityProps } from "./table-text.js";

describe("long texts in table properties", () => {
  it("splits a text over numbered properties and joins it back", () => {
    const props: TableEntityProps = {};
    const text = "x".repeat(65_000) + "end";
    putText(props, "Input", text);
    expect(Object.keys(props)).toEqual(["Input", "Input__1", "Input__2"]);
    expect(Object.values(props).every((v) => typeof v === "string" && v.length <= 30_000)).toBe(
      true,
    );
    expect(getText(props, "Input")).toBe(text);
  });

  it("keeps an empty text and leaves an absent one out", () => {
    const props: TableEntityProps = {};
    putText(props, "Output", "");
    putText(props, "CustomStatus", undefined);
    expect(getText(props, "Output")).toBe("");
    expect(getText(props, "CustomStatus")).toBeUndefined();
    expect(textColumns("Input")).toContain("Input__15");
  });
});
