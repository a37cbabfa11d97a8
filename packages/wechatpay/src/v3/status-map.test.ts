import { UnknownStatusError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { mapCloudPayRefundStatus, mapCloudPayTradeState } from "../cloudpay/status-map.js";
import { mapV3RefundStatus, mapV3TradeState } from "./status-map.js";

describe("WeChat status mapping (docs/states.md table, value by value)", () => {
  it.each([
    ["SUCCESS", 3],
    ["REFUND", 4],
    ["NOTPAY", 0],
    ["USERPAYING", 0],
    ["CLOSED", 1],
    ["REVOKED", 1],
    ["PAYERROR", 2],
  ])("trade_state %s -> %i on both transports", (value, state) => {
    expect(mapV3TradeState(value)).toBe(state);
    expect(mapCloudPayTradeState(value)).toBe(state);
  });

  it.each([
    ["SUCCESS", 4],
    ["PROCESSING", 3],
    ["CLOSED", 6],
    ["ABNORMAL", 5],
  ])("v3 refund status %s -> %i", (value, state) => {
    expect(mapV3RefundStatus(value)).toBe(state);
  });

  it.each([
    ["SUCCESS", 4],
    ["PROCESSING", 3],
    ["REFUNDCLOSE", 6],
    ["CHANGE", 5],
  ])("CloudPay (v2) refund status %s -> %i", (value, state) => {
    expect(mapCloudPayRefundStatus(value)).toBe(state);
  });

  it("takes each transport's own refund spellings only", () => {
    expect(() => mapV3RefundStatus("REFUNDCLOSE")).toThrow(UnknownStatusError);
    expect(() => mapV3RefundStatus("CHANGE")).toThrow(UnknownStatusError);
    expect(() => mapCloudPayRefundStatus("CLOSED")).toThrow(UnknownStatusError);
    expect(() => mapCloudPayRefundStatus("ABNORMAL")).toThrow(UnknownStatusError);
  });

  it.each([["PAYING"], [""], [undefined], ["toString"], [3]])(
    "rejects unknown value %j naming it",
    (value) => {
      expect(() => mapV3TradeState(value)).toThrow(UnknownStatusError);
      expect(() => mapV3RefundStatus(value)).toThrow(UnknownStatusError);
      expect(() => mapV3TradeState(value)).toThrow(JSON.stringify(value) ?? "undefined");
      expect(() => mapCloudPayTradeState(value)).toThrow(UnknownStatusError);
      expect(() => mapCloudPayRefundStatus(value)).toThrow(UnknownStatusError);
    },
  );
});
