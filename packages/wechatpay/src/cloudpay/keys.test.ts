import { describe, expect, it } from "vitest";
import { snakeKeys, toSnakeKey } from "./keys.js";

describe("snake_case keys", () => {
  it.each([
    ["returnCode", "return_code"],
    ["return_code", "return_code"],
    ["subMchId", "sub_mch_id"],
    ["refund_status_0", "refund_status_0"],
    ["refundStatus0", "refund_status_0"],
    ["refundStatus_0", "refund_status_0"],
    ["coupon_refund_fee_0_1", "coupon_refund_fee_0_1"],
    ["refundRecvAccout_3", "refund_recv_accout_3"],
    ["prepayId", "prepay_id"],
  ])("%s -> %s", (from, to) => {
    expect(toSnakeKey(from)).toBe(to);
  });

  it("reports a key given twice with different values", () => {
    expect(snakeKeys({ tradeState: "SUCCESS", trade_state: "NOTPAY" }).conflicts).toEqual(["trade_state"]);
    expect(snakeKeys({ tradeState: "SUCCESS", trade_state: "SUCCESS" }).conflicts).toEqual([]);
  });

  it("keeps nested objects such as payment untouched", () => {
    const payment = { timeStamp: "1", nonceStr: "n" };
    expect(snakeKeys({ payment }).data.payment).toBe(payment);
  });
});
