import { describe, expect, it } from "vitest";
import { BillFormatError } from "./bill-format-error.js";
import { parseBillTime } from "./bill-time.js";

describe("parseBillTime", () => {
  it("reads a bill's dashed time as Beijing time", () => {
    expect(parseBillTime("2026-03-01 00:00:05", "WeChat trade bill", 2, "交易时间").toISOString()).toBe(
      "2026-02-28T16:00:05.000Z",
    );
  });

  it.each(["2026-03-01T00:00:05", "2026-02-30 10:00:00", "", "2026-03-01 24:00:00"])(
    "refuses %j as a format error naming the bill, the line and the column",
    (text) => {
      let thrown: unknown;
      try {
        parseBillTime(text, "WeChat trade bill", 7, "交易时间");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BillFormatError);
      expect((thrown as BillFormatError).line).toBe(7);
      expect((thrown as Error).message).toMatch(
        /^WeChat trade bill line 7: 交易时间 must be a real "yyyy-MM-dd HH:mm:ss"/,
      );
    },
  );
});
