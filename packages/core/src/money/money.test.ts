import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/errors.js";
import { addMoney, cny, fenToYuan, formatMoney, money, subtractMoney, sumMoney, yuanToFen } from "./money.js";

describe("yuanToFen", () => {
  it.each([
    ["0.01", 1],
    ["0.1", 10],
    ["1", 100],
    ["1.2", 120],
    ["12.34", 1234],
    ["0", 0],
    ["90071992547409.91", 9007199254740991],
  ])("converts %s exactly to %i fen", (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it.each([
    ["0.001", "at most two decimals"],
    ["1e2", "at most two decimals"],
    ["-1", "at most two decimals"],
    ["", "at most two decimals"],
    ["NaN", "at most two decimals"],
    [" 1", "at most two decimals"],
    ["01.00", "at most two decimals"],
    ["1.", "at most two decimals"],
    ["+1", "at most two decimals"],
    ["90071992547409.92", "past Number.MAX_SAFE_INTEGER"],
  ])("rejects %j with a clear error", (yuan, rule) => {
    expect(() => yuanToFen(yuan, "total_amount")).toThrow(ValidationError);
    expect(() => yuanToFen(yuan, "total_amount")).toThrow(new RegExp(`total_amount.*${rule}`));
  });

  it("rejects values that are not strings", () => {
    expect(() => yuanToFen(1.5 as unknown as string)).toThrow(/amount must be a yuan amount/);
  });
});

describe("fenToYuan", () => {
  it.each([
    [1, "0.01"],
    [10, "0.10"],
    [100, "1.00"],
    [0, "0.00"],
    [123456, "1234.56"],
  ])("formats %i fen as %s", (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it.each([
    [0.5, "integer"],
    [Number.NaN, "integer"],
    [-1, "must not be negative"],
    [Number.MAX_SAFE_INTEGER + 1, "at most Number.MAX_SAFE_INTEGER"],
    [Number.POSITIVE_INFINITY, "integer"],
  ])("rejects %d", (fen, rule) => {
    expect(() => fenToYuan(fen, "refund_fee")).toThrow(new RegExp(`refund_fee.*${rule}`));
  });

  it("round-trips fen -> yuan -> fen for every safe integer", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (fen) => yuanToFen(fenToYuan(fen)) === fen,
      ),
      { numRuns: 2000 },
    );
  });

  it("round-trips yuan -> fen -> yuan for canonical two-decimal strings", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 9_007_199_254_740_991n }), (n) => {
        const yuan = fenToYuan(Number(n));
        return fenToYuan(yuanToFen(yuan)) === yuan;
      }),
    );
  });
});

describe("Money", () => {
  it("is integer fen plus a currency", () => {
    expect(cny(100)).toEqual({ fen: 100, currency: "CNY" });
    expect(formatMoney(cny(1234))).toBe("12.34 CNY");
  });
  it("rejects fractions, negatives and unknown currencies naming the field", () => {
    expect(() => money(0.1)).toThrow(/amount\.fen must be an integer/);
    expect(() => money(-5)).toThrow(/amount\.fen must not be negative/);
    expect(() => money(1, "USD" as "CNY")).toThrow(/amount\.currency must be one of CNY/);
  });
  it("adds and subtracts exactly, never below zero", () => {
    expect(addMoney(cny(10), cny(20))).toEqual(cny(30));
    expect(subtractMoney(cny(30), cny(10))).toEqual(cny(20));
    expect(() => subtractMoney(cny(1), cny(2))).toThrow(/cannot subtract 2 fen from 1 fen/);
    expect(sumMoney([cny(1), cny(2), cny(3)])).toEqual(cny(6));
  });
  it("sums many small amounts without floating-point drift", () => {
    // 0.1 yuan added 1000 times is exactly 100 yuan in fen; in floats it is 99.9999999999986.
    const tenths = Array.from({ length: 1000 }, () => cny(yuanToFen("0.1")));
    expect(sumMoney(tenths)).toEqual(cny(10000));
  });
});
