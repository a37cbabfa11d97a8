import { describe, expect, it } from "vitest";
import { spread } from "./import-time.js";

describe("spread", () => {
  it("gives extremes and interpolated quartiles of unsorted ratios", () => {
    expect(spread([3, 1, 2, 5, 4])).toEqual({ min: 1, q1: 2, q3: 4, max: 5 });
    expect(spread([1, 2, 3, 4])).toEqual({ min: 1, q1: 1.75, q3: 3.25, max: 4 });
  });

  it("is NaN for no rounds", () => {
    expect(Number.isNaN(spread([]).q1)).toBe(true);
  });
});
