import { ValidationError } from "@paybridge/core";
import type { RefundFields } from "@paybridge/core/provider-kit";
import { describe, expect, it } from "vitest";
import { v3FieldRules } from "../v3/field-rules.js";
import { hasFourByteCharacter, WECHAT_V3_OUT_TRADE_NO, wechatNotifyUrlRule } from "./field-rules.js";

describe("WeChat field rules", () => {
  it("out_trade_no is 6-32 characters of digits, letters and _-|*", () => {
    for (const ok of ["123456", "A".repeat(32), "a_b-c|d*e"])
      expect(WECHAT_V3_OUT_TRADE_NO.test(ok)).toBe(true);
    for (const bad of ["12345", "A".repeat(33), "ORDER 1", "订单123456", "ORDER@1234"])
      expect(WECHAT_V3_OUT_TRADE_NO.test(bad)).toBe(false);
  });

  it("finds 4-byte UTF-8 characters (emoji, supplementary ideographs) and nothing else", () => {
    expect(hasFourByteCharacter("咖啡 coffee ☕")).toBe(false); // U+2615 is three bytes
    expect(hasFourByteCharacter("🍰")).toBe(true);
    expect(hasFourByteCharacter("𠀀")).toBe(true);
  });

  it.each([
    ["https://shop.example.com/notify", false, undefined],
    ["http://127.0.0.1:8080/notify", true, undefined],
    ["http://127.0.0.1:8080/notify", false, /allowLoopbackHttpNotify/],
    ["http://shop.example.com/notify", true, /must be https/],
    ["https://shop.example.com/notify?a=1", false, /query string/],
    ["https://shop.example.com/notify#x", false, /fragment/],
    [`https://shop.example.com/${"n".repeat(231)}`, false, undefined], // exactly 256
    [`https://shop.example.com/${"n".repeat(232)}`, false, /at most 256/],
    ["notify", false, /absolute URL/],
  ])("notify_url %s (loopback allowed: %s)", (url, loopback, refusal) => {
    const result = wechatNotifyUrlRule(loopback).safeParse(url);
    if (!refusal) expect(result.success).toBe(true);
    else expect(result.error?.issues[0]?.message).toMatch(refusal);
  });

  it("refund and out_trade_no rules: the hand checks pass what the rules pass, the schema words every refusal", () => {
    const rules = v3FieldRules({ allowLoopbackHttpNotify: false });
    // Inputs of any shape, as a caller without types could pass them.
    const refund = (input: unknown) => rules.refund(input as RefundFields, "refund");
    const refusal = (run: () => void) => {
      try {
        run();
      } catch (e) {
        if (e instanceof ValidationError) return `${e.field}: ${e.message}`;
        throw e;
      }
      return undefined;
    };
    const ok = { outTradeNo: "ORDER123", notifyUrl: "https://shop.example.com/refund" };
    // Twice each: the second call of a URL that passed is answered from memory.
    for (let i = 0; i < 2; i++) {
      expect(refusal(() => refund(ok))).toBeUndefined();
      expect(refusal(() => refund({ ...ok, reason: "退".repeat(26) }))).toBeUndefined();
      expect(refusal(() => refund({ outTradeNo: "ORDER123", extra: 1 }))).toBeUndefined();
      expect(refusal(() => rules.outTradeNo("ORDER123", "q.outTradeNo"))).toBeUndefined();
      expect(refusal(() => refund({ ...ok, outTradeNo: "O1" }))).toMatch(
        /^refund\.outTradeNo: .*6-32 characters/,
      );
      expect(refusal(() => refund({ ...ok, reason: "退".repeat(27) }))).toMatch(
        /^refund\.reason: .*80 bytes/,
      );
      expect(refusal(() => refund({ ...ok, reason: "🍰" }))).toMatch(/^refund\.reason: .*4-byte/);
      expect(refusal(() => refund({ ...ok, reason: 1 }))).toMatch(/^refund\.reason/);
      expect(refusal(() => refund({ ...ok, notifyUrl: "https://shop.example.com/refund?x=1" }))).toMatch(
        /^refund\.notifyUrl: .*query string/,
      );
      expect(refusal(() => refund({ ...ok, notifyUrl: "http://127.0.0.1:9/refund" }))).toMatch(
        /^refund\.notifyUrl: .*https/,
      );
      expect(refusal(() => refund(null))).toMatch(/^refund/);
      expect(refusal(() => rules.outTradeNo("ORDER 123", "q.outTradeNo"))).toMatch(/^q\.outTradeNo: /);
      expect(refusal(() => rules.outTradeNo(123456 as unknown as string, "q.outTradeNo"))).toMatch(
        /^q\.outTradeNo: /,
      );
    }
  });
});
