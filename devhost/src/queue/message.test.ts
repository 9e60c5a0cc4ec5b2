import { describe, expect, it } from "vitest";
import { decodeMessageText, MessageDecodingError, toTriggerValue } from "./message.js";
import { MIN_POLLING_INTERVAL_MS, nextPollingInterval } from "./polling-backoff.js";

describe("queue messages", () => {
  it("decodes base64 unless the encoding is none", () => {
    expect(decodeMessageText(Buffer.from("héllo").toString("base64"), "base64")).toBe("héllo");
    expect(decodeMessageText("as is", "none")).toBe("as is");
    expect(() => decodeMessageText("not base64!", "base64")).toThrow(MessageDecodingError);
  });

  it("parses JSON objects and arrays, leaving other text as a string", () => {
    expect(toTriggerValue('{"a":1}')).toEqual({ a: 1 });
    expect(toTriggerValue("[1,2]")).toEqual([1, 2]);
    expect(toTriggerValue("42")).toBe("42");
    expect(toTriggerValue("{broken")).toBe("{broken");
  });

  it("backs off exponentially up to the maximum polling interval", () => {
    let interval = MIN_POLLING_INTERVAL_MS;
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      interval = nextPollingInterval(interval, 1000);
      seen.push(interval);
    }
    expect(seen).toEqual([200, 400, 800, 1000, 1000, 1000]);
  });
});
