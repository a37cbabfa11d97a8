import { describe, expect, it } from "vitest";
import {
  formatBeijingCompact,
  formatBeijingDashed,
  formatBeijingDate,
  formatBeijingRfc3339,
  parseBeijingCompact,
  parseBeijingDashed,
} from "./time-format.js";

describe("Beijing time formats", () => {
  it("reads yyyyMMddHHmmss as Beijing time and writes it back unchanged", () => {
    const at = parseBeijingCompact("20160725152621");
    expect(at.getTime()).toBe(Date.UTC(2016, 6, 25, 7, 26, 21));
    expect(formatBeijingCompact(at)).toBe("20160725152621");
    expect(formatBeijingRfc3339(at)).toBe("2016-07-25T15:26:21+08:00");
  });

  it("crosses the UTC day boundary (Beijing 01:00 is the previous UTC day)", () => {
    expect(parseBeijingCompact("20260101010000").toISOString()).toBe("2025-12-31T17:00:00.000Z");
  });

  it("writes and reads the dashed form, with milliseconds when asked, and the Beijing day", () => {
    const at = new Date(Date.UTC(2016, 6, 24, 17, 26, 21, 7));
    expect(formatBeijingDashed(at)).toBe("2016-07-25 01:26:21");
    expect(formatBeijingDashed(at, true)).toBe("2016-07-25 01:26:21.007");
    expect(formatBeijingDate(at)).toBe("2016-07-25");
    expect(parseBeijingDashed("2016-07-25 01:26:21")?.getTime()).toBe(Date.UTC(2016, 6, 24, 17, 26, 21));
    expect(parseBeijingDashed("2016-07-25T01:26:21")).toBeUndefined();
  });
});
