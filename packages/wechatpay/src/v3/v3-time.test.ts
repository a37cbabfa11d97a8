import { describe, expect, it } from "vitest";
import { v3TimeMs } from "./v3-time.js";

describe("v3TimeMs", () => {
  it("reads an RFC 3339 time with its offset, and gives each text its own value when texts alternate", () => {
    const a = "2018-06-08T10:34:56+08:00";
    const b = "2018-06-08T10:34:57+08:00";
    expect(v3TimeMs(a)).toBe(Date.UTC(2018, 5, 8, 2, 34, 56));
    expect(v3TimeMs(a)).toBe(Date.UTC(2018, 5, 8, 2, 34, 56));
    expect(v3TimeMs(b)).toBe(Date.UTC(2018, 5, 8, 2, 34, 57));
    expect(v3TimeMs(a)).toBe(Date.UTC(2018, 5, 8, 2, 34, 56));
  });

  it("is NaN for a text Date.parse cannot read, also right after a readable one", () => {
    expect(v3TimeMs("2018-06-08T10:34:56+08:00")).not.toBeNaN();
    expect(v3TimeMs("yesterday at noon")).toBeNaN();
    expect(v3TimeMs("")).toBeNaN();
  });
});
