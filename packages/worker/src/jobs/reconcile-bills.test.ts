import { describe, expect, it } from "vitest";
import { billDaysAt } from "./reconcile-bills.js";

describe("billDaysAt", () => {
  it("is the previous Beijing day once its bill is ready, the day before until then", () => {
    // 2026-03-02 10:30 Beijing is 02:30 UTC.
    expect(billDaysAt(new Date("2026-03-02T02:30:00Z"), 1, 10)).toEqual(["2026-03-01"]);
    expect(billDaysAt(new Date("2026-03-02T01:59:59Z"), 1, 10)).toEqual(["2026-02-28"]);
    // 23:30 UTC on 03-01 is already 07:30 on 03-02 in Beijing.
    expect(billDaysAt(new Date("2026-03-01T23:30:00Z"), 1, 7)).toEqual(["2026-03-01"]);
  });

  it("counts `days` back from there, newest first", () => {
    expect(billDaysAt(new Date("2026-03-02T02:30:00Z"), 3, 10)).toEqual([
      "2026-03-01",
      "2026-02-28",
      "2026-02-27",
    ]);
  });
});
