import { cny, ValidationError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { ALIPAY_MAX_AMOUNT_FEN, alipayFieldRules } from "./field-rules.js";

const payment = {
  outTradeNo: "A1",
  description: "商".repeat(256),
  amount: cny(ALIPAY_MAX_AMOUNT_FEN),
  method: "native" as const,
  notifyUrl: "http://shop.example.com/notify",
};

describe("Alipay field rules (its own pages, not WeChat's)", () => {
  it("accepts what Alipay allows and WeChat does not: a 2-character order number, a 256-character subject, http notify_url, 100000000.00 yuan", () => {
    expect(() => alipayFieldRules.payment(payment, "payment")).not.toThrow();
    expect(() => alipayFieldRules.outTradeNo("A".repeat(64), "q")).not.toThrow();
  });

  it.each([
    [{ outTradeNo: "A-1" }, "payment.outTradeNo", /digits, letters and _ \(Alipay out_trade_no\)/],
    [{ outTradeNo: "A".repeat(65) }, "payment.outTradeNo", /1-64 characters/],
    [{ description: "商".repeat(257) }, "payment.description", /at most 256 characters/],
    [{ amount: cny(ALIPAY_MAX_AMOUNT_FEN + 1) }, "payment.amount.fen", /at most 10000000000 fen/],
    [{ notifyUrl: `https://x.example.com/${"n".repeat(240)}` }, "payment.notifyUrl", /at most 256/],
    [{ attach: "附".repeat(60) }, "payment.attach", /512 characters once URL-encoded/],
  ])("refuses %j naming %s", (patch, field, rule) => {
    let error: unknown;
    try {
      alipayFieldRules.payment({ ...payment, ...patch }, "payment");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as Error).message).toMatch(rule);
  });
});
