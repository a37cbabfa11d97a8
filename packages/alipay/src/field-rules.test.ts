import { cny, ValidationError } from "@paybridge/core";
import type { RefundFields } from "@paybridge/core/provider-kit";
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

  // Inputs of any shape, as a caller without types could pass them.
  const refundRule = (input: unknown) => alipayFieldRules.refund(input as RefundFields, "refund");
  const refund = {
    outTradeNo: "A1",
    amount: cny(300),
    reason: "退".repeat(256),
    notifyUrl: "http://shop.example.com/n",
  };

  it("refund and out_trade_no: the hand checks pass what the rules pass", () => {
    expect(() => refundRule(refund)).not.toThrow();
    expect(() => refundRule({ outTradeNo: "A1", amount: { fen: 1 }, extra: 1 })).not.toThrow();
    expect(() => alipayFieldRules.outTradeNo("A_1", "q.outTradeNo")).not.toThrow();
  });

  it.each([
    [{ outTradeNo: "A-1" }, "refund.outTradeNo", /Alipay out_trade_no/],
    [{ amount: cny(ALIPAY_MAX_AMOUNT_FEN + 1) }, "refund.amount.fen", /at most 10000000000 fen/],
    [{ amount: { fen: Number.NaN } }, "refund.amount.fen", /./],
    [{ amount: null }, "refund.amount", /./],
    [{ reason: "退".repeat(257) }, "refund.reason", /at most 256 characters/],
    [{ notifyUrl: "ftp://shop.example.com/n" }, "refund.notifyUrl", /http or https/],
    [{ notifyUrl: `https://x.example.com/${"n".repeat(240)}` }, "refund.notifyUrl", /at most 256/],
  ])("refuses the refund %j naming %s", (patch, field, rule) => {
    let error: unknown;
    try {
      refundRule({ ...refund, ...patch });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as Error).message).toMatch(rule);
  });

  it("refuses an out_trade_no that is not one, naming the field", () => {
    for (const bad of ["A-1", "", 12, undefined])
      expect(() => alipayFieldRules.outTradeNo(bad as string, "q.outTradeNo")).toThrow(/q\.outTradeNo/);
  });
});
