import { UnknownStatusError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { mapWechatRefundStatus, mapWechatTradeState } from "./status-map.js";

describe("WeChat status mapping (docs/states.md table, value by value)", () => {
  it.each([
    ["SUCCESS", 3],
    ["REFUND", 4],
    ["NOTPAY", 0],
    ["USERPAYING", 0],
    ["CLOSED", 1],
    ["REVOKED", 1],
    ["PAYERROR", 2],
  ])("trade_state %s -> %i", (value, state) => {
    expect(mapWechatTradeState(value)).toBe(state);
  });

  it.each([
    ["SUCCESS", 4],
    ["PROCESSING", 3],
    ["CLOSED", 6],
    ["ABNORMAL", 5],
    ["REFUNDCLOSE", 6],
    ["CHANGE", 5],
  ])("refund status %s -> %i", (value, state) => {
    expect(mapWechatRefundStatus(value)).toBe(state);
  });

  it.each([["PAYING"], [""], [undefined], ["toString"], [3]])(
    "rejects unknown value %j naming it",
    (value) => {
      expect(() => mapWechatTradeState(value)).toThrow(UnknownStatusError);
      expect(() => mapWechatRefundStatus(value)).toThrow(UnknownStatusError);
      expect(() => mapWechatTradeState(value)).toThrow(JSON.stringify(value) ?? "undefined");
    },
  );
});
