import { describe, expect, it } from "vitest";
import { csvField, textCell, toCsv } from "./csv.js";

/** A minimal RFC 4180 reader, to prove what we write reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

describe("csv", () => {
  it("quotes only fields that need it and doubles inner quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField(42)).toBe("42");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
  });

  it("defuses formula-looking text", () => {
    expect(textCell('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(textCell("+1")).toBe("'+1");
    expect(textCell("-2")).toBe("'-2");
    expect(textCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(textCell("cpu job")).toBe("cpu job");
  });

  it("writes a header and CRLF rows that read back to the same cells", () => {
    const cells = [
      ["a,b", 'q"uote', "multi\r\nline"],
      ["", 0, "plain"],
    ];
    const text = toCsv(["one", "two", "three"], cells);
    expect(text.startsWith("one,two,three\r\n")).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([["one", "two", "three"], ...cells.map((r) => r.map(String))]);
  });
});
