import { describe, expect, it } from "vitest";
import { formatYuan, parseYuan } from "./yuan.js";

describe("sandbox yuan", () => {
  it("formats fen with two decimals and a sign", () => {
    expect(formatYuan(0)).toBe("0.00");
    expect(formatYuan(1)).toBe("0.01");
    expect(formatYuan(1230)).toBe("12.30");
    expect(formatYuan(-150)).toBe("-1.50");
    expect(formatYuan(10_000_000_000)).toBe("100000000.00");
    expect(() => formatYuan(1.5)).toThrow(RangeError);
  });

  it("parses yuan text with at most two decimals", () => {
    expect(parseYuan("0.01")).toBe(1);
    expect(parseYuan("12.3")).toBe(1230);
    expect(parseYuan("100")).toBe(10_000);
    for (const bad of ["", "1.234", "-1.00", "01.00", "1.", ".5", "1e3", " 1.00", "abc"]) {
      expect(parseYuan(bad), bad).toBeUndefined();
    }
  });

  it("round-trips every amount", () => {
    for (const fen of [0, 1, 9, 10, 99, 100, 101, 123_456_789]) expect(parseYuan(formatYuan(fen))).toBe(fen);
  });
});
