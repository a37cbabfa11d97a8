import { UnknownStatusError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { ALIPAY_TRADE_STATUSES, mapRefundQuery, mapTradeStatus, TRADE_STATUS_MAP } from "./status-map.js";

const none = { paid: false, refunded: false };
describe("alipay status mapping", () => {
  it("maps every trade status, with TRADE_CLOSED resolved by paid evidence", () => {
    expect(Object.keys(TRADE_STATUS_MAP).sort()).toEqual([...ALIPAY_TRADE_STATUSES].sort());
    expect(mapTradeStatus("WAIT_BUYER_PAY", none)).toBe(0);
    expect(mapTradeStatus("TRADE_SUCCESS", { paid: true, refunded: false })).toBe(3);
    expect(mapTradeStatus("TRADE_FINISHED", { paid: true, refunded: false })).toBe(3);
    expect(mapTradeStatus("TRADE_CLOSED", none)).toBe(1);
    expect(mapTradeStatus("TRADE_CLOSED", { paid: true, refunded: false })).toBe(4);
    expect(mapTradeStatus("TRADE_CLOSED", { paid: false, refunded: true })).toBe(4);
  });

  it("a partial refund makes TRADE_SUCCESS / TRADE_FINISHED 4", () => {
    expect(mapTradeStatus("TRADE_SUCCESS", { paid: true, refunded: true })).toBe(4);
    expect(mapTradeStatus("TRADE_FINISHED", { paid: true, refunded: true })).toBe(4);
  });

  it("names an unknown status instead of defaulting", () => {
    expect(() => mapTradeStatus("TRADE_PENDING", none)).toThrow(UnknownStatusError);
    expect(() => mapTradeStatus("TRADE_PENDING", none)).toThrow(/TRADE_PENDING/);
    expect(() => mapTradeStatus(undefined, none)).toThrow(UnknownStatusError);
  });

  it("refund query: only refund_status REFUND_SUCCESS is 4; data without it is 2 unless legacy; no data is 2", () => {
    expect(mapRefundQuery({ refund_status: "REFUND_SUCCESS", refund_amount: "1.00" })).toEqual({
      state: 4,
      rawStatus: "REFUND_SUCCESS",
    });
    // https://opendocs.alipay.com/open/02ekfl: no refund_status means not refunded (yet).
    expect(mapRefundQuery({ refund_amount: "1.00" })).toEqual({ state: 2, rawStatus: "NO_REFUND_STATUS" });
    expect(mapRefundQuery({ refund_amount: "1.00" }, { legacy: true })).toEqual({
      state: 4,
      rawStatus: "REFUND_AMOUNT_ONLY",
    });
    expect(mapRefundQuery({}, { legacy: true })).toEqual({ state: 2, rawStatus: "NO_REFUND_DATA" });
    expect(mapRefundQuery({})).toEqual({ state: 2, rawStatus: "NO_REFUND_DATA" });
    expect(() => mapRefundQuery({ refund_status: "REFUND_PROCESSING" })).toThrow(/REFUND_PROCESSING/);
  });
});
