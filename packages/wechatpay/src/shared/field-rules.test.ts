import { describe, expect, it } from "vitest";
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
});
