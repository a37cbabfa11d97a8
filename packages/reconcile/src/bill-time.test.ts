import { describe, expect, it } from "vitest";
import { BillFormatError } from "./bill-format-error.js";
import { BillTimeReader, parseBillTime } from "./bill-time.js";

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

describe("BillTimeReader", () => {
  const texts = [
    "2026-03-01 00:00:05",
    "2026-03-01 00:59:59",
    "2026-03-01 01:00:00",
    "2026-03-01 01:07:30",
    "2026-03-01 01:07:30.250",
    "2026-03-02 01:07:30",
    "2026-02-28 23:59:59",
  ];

  it("reads every row's time as parseBillTime does, whether or not its hour was seen", () => {
    const reader = new BillTimeReader();
    for (const text of [...texts, ...texts]) {
      expect(reader.read(text, "WeChat trade bill", 2, "交易时间").toISOString()).toBe(
        parseBillTime(text, "WeChat trade bill", 2, "交易时间").toISOString(),
      );
    }
  });

  it.each([
    "2026-03-01 00:60:00",
    "2026-03-01 00:00:60",
    "2026-03-01 00:0a:00",
    "2026-03-01 00-00-00",
    "2026-03-01 00:00:0",
  ])("refuses %j after a good row of the same hour, naming the line", (text) => {
    const reader = new BillTimeReader();
    reader.read("2026-03-01 00:00:05", "WeChat trade bill", 2, "交易时间");
    expect(() => reader.read(text, "WeChat trade bill", 3, "交易时间")).toThrow(
      /^WeChat trade bill line 3: 交易时间 must be a real "yyyy-MM-dd HH:mm:ss"/,
    );
  });

  it("refuses a rolled-over day although its hour prefix would parse digit by digit", () => {
    const reader = new BillTimeReader();
    expect(() => reader.read("2026-02-30 10:00:00", "WeChat trade bill", 4, "交易时间")).toThrow(
      /line 4: 交易时间 must be a real/,
    );
  });
});
