import { describe, expect, it } from "vitest";
import { UnknownStatusError } from "../errors/errors.js";
import {
  beijingDayRange,
  formatBeijingCompact,
  formatBeijingDashed,
  formatBeijingRfc3339,
  isBeijingDay,
  parseBeijingCompact,
  parseBeijingDashed,
} from "./beijing-time.js";

const at = (field: string) => ({ field, provider: "wechatpay-cloud" });

describe("Beijing time, one function per wire format", () => {
  it("reads the CloudPay.queryRefund example refund_success_time as UTC+8", () => {
    expect(parseBeijingDashed("2016-07-25 15:26:26", at("t")).toISOString()).toBe("2016-07-25T07:26:26.000Z");
  });

  it("reads time_end's compact form and crosses midnight correctly", () => {
    expect(parseBeijingCompact("20160725052626", at("t")).toISOString()).toBe("2016-07-24T21:26:26.000Z");
  });

  it("reads Alipay's dashed form with milliseconds", () => {
    expect(parseBeijingDashed("2016-07-25 15:26:26.12", at("t")).toISOString()).toBe(
      "2016-07-25T07:26:26.120Z",
    );
  });

  it("formats back to every form", () => {
    const d = new Date("2016-07-25T07:26:26.000Z");
    expect(formatBeijingDashed(d)).toBe("2016-07-25 15:26:26");
    expect(formatBeijingCompact(d)).toBe("20160725152626");
    expect(formatBeijingRfc3339(new Date("2015-05-20T05:29:35Z"))).toBe("2015-05-20T13:29:35+08:00");
  });

  it.each(["2016-02-30 10:00:00", "2016-07-25T15:26:26", "2016-07-25 25:00:00", ""])(
    "rejects %j naming the field and the provider",
    (text) => {
      expect(() => parseBeijingDashed(text, at("refund_success_time_0"))).toThrow(UnknownStatusError);
      expect(() => parseBeijingDashed(text, at("refund_success_time_0"))).toThrow(/refund_success_time_0/);
      try {
        parseBeijingDashed(text, at("refund_success_time_0"));
      } catch (error) {
        expect((error as UnknownStatusError).provider).toBe("wechatpay-cloud");
      }
    },
  );

  it.each(["20160230100000", "2016072515262", "2016-07-25 15:26:26"])("rejects compact %j", (text) => {
    expect(() => parseBeijingCompact(text, at("time_end"))).toThrow(/time_end/);
  });
});

describe("beijingDayRange", () => {
  it("is the Beijing day [00:00, next 00:00) as UTC instants", () => {
    const { from, to } = beijingDayRange("2026-03-01");
    expect(from.toISOString()).toBe("2026-02-28T16:00:00.000Z");
    expect(to.toISOString()).toBe("2026-03-01T16:00:00.000Z");
  });

  it("refuses a malformed or rolled-over day", () => {
    expect(() => beijingDayRange("2026-3-1")).toThrow(RangeError);
    expect(() => beijingDayRange("2026-02-30")).toThrow(/not a real day/);
  });
});

describe("isBeijingDay", () => {
  it("accepts a real day and refuses a rolled-over or malformed one", () => {
    expect(isBeijingDay("2024-02-29")).toBe(true);
    expect(isBeijingDay("2026-02-29")).toBe(false);
    expect(isBeijingDay("2026-02-30")).toBe(false);
    expect(isBeijingDay("2026-2-1")).toBe(false);
  });
});
