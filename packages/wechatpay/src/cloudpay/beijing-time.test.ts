import { UnknownStatusError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { formatBeijingTime, parseBeijingTime } from "./beijing-time.js";

describe("Beijing time", () => {
  it("reads the CloudPay.queryRefund example refund_success_time as UTC+8", () => {
    expect(parseBeijingTime("2016-07-25 15:26:26").toISOString()).toBe("2016-07-25T07:26:26.000Z");
  });

  it("reads time_end's compact form and crosses midnight correctly", () => {
    expect(parseBeijingTime("20160725052626").toISOString()).toBe("2016-07-24T21:26:26.000Z");
  });

  it("formats back to both forms", () => {
    const d = new Date("2016-07-25T07:26:26.000Z");
    expect(formatBeijingTime(d)).toBe("2016-07-25 15:26:26");
    expect(formatBeijingTime(d, "compact")).toBe("20160725152626");
  });

  it.each(["2016-02-30 10:00:00", "2016-07-25T15:26:26", "2016-07-25 25:00:00", ""])(
    "rejects %j naming the field",
    (text) => {
      expect(() => parseBeijingTime(text, "refund_success_time_0")).toThrow(UnknownStatusError);
      expect(() => parseBeijingTime(text, "refund_success_time_0")).toThrow(/refund_success_time_0/);
    },
  );
});
