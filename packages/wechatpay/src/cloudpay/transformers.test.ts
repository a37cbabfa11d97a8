import { OutcomeUnknownError, RefundState, TradeState, UnknownStatusError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { readEnvelope } from "./envelope.js";
import { PAGE_QUERY_REFUND_ANSWER, PAGE_REFUND_ANSWER } from "./fixtures/page-examples.js";
import { parseOrderAnswer, parseRefundAnswer, parseRefundQueryAnswer } from "./transformers.js";

const refundQuery = (extra: Record<string, unknown> = {}) =>
  parseRefundQueryAnswer(readEnvelope("queryRefund", { ...PAGE_QUERY_REFUND_ANSWER, ...extra }));

describe("CloudPay answers, from the doc pages' examples", () => {
  it("parses the CloudPay.refund example answer", () => {
    const r = parseRefundAnswer(readEnvelope("refund", PAGE_REFUND_ANSWER));
    expect(r).toMatchObject({
      transactionId: "1217752501201407033233368018",
      outRefundNo: "1217752501201407033233368018",
      refundId: "1217752501201407033233368018",
      refundFee: 100,
      settlementRefundFee: 100,
      totalFee: 100,
      cashFee: 100,
      couponRefundCount: 1,
      couponTypes: ["CASH"],
      feeType: "CNY",
    });
  });

  it("parses the CloudPay.queryRefund example's flattened refund into a typed record", () => {
    const page = refundQuery();
    expect(page.refundCount).toBe(1);
    expect(page.totalRefundCount).toBe(1);
    const [r] = page.refunds;
    expect(r).toEqual({
      outRefundNo: "1217752501201407033233368018",
      refundId: "1217752501201407033233368018",
      channel: "ORIGINAL",
      refundFee: 100,
      settlementRefundFee: 100,
      couponRefundFee: 100,
      coupons: [{ id: "10000", fee: 100, type: "CASH" }],
      status: "SUCCESS",
      state: RefundState.SUCCESS,
      account: "REFUND_SOURCE_RECHARGE_FUNDS",
      receivedAccount: "招商银行信用卡0403",
      successTime: new Date("2016-07-25T07:26:26.000Z"),
    });
  });

  it.each([
    ["SUCCESS", RefundState.SUCCESS],
    ["REFUNDCLOSE", RefundState.CLOSED],
    ["PROCESSING", RefundState.SUBMITTED],
    ["CHANGE", RefundState.ABNORMAL],
  ])("maps refund_status %s to %i", (status, state) => {
    const extra = status === "SUCCESS" ? {} : { refund_success_time_0: undefined };
    expect(refundQuery({ refund_status_0: status, ...extra }).refunds[0]?.state).toBe(state);
  });

  it("refuses an unknown refund_status naming the value", () => {
    expect(() => refundQuery({ refund_status_0: "REFUNDED" })).toThrow(UnknownStatusError);
    expect(() => refundQuery({ refund_status_0: "REFUNDED" })).toThrow(/refund_status "REFUNDED"/);
  });

  it("reads amounts given as digit strings (the v2 XML values) and refuses other text", () => {
    expect(refundQuery({ refund_fee_0: "100", total_fee: "100" }).refunds[0]?.refundFee).toBe(100);
    expect(() => refundQuery({ refund_fee_0: "1.00" })).toThrow(OutcomeUnknownError);
    expect(() => refundQuery({ refund_fee_0: -1 })).toThrow(/refund_fee/);
  });

  it("checks refund_count and coupon_refund_count against what is listed", () => {
    expect(() => refundQuery({ refund_count: 2 })).toThrow(/refund_count is 2 but 1/);
    expect(() => refundQuery({ coupon_refund_count_0: 2 })).toThrow(/coupon_refund_count/);
  });

  it("parses ten refunds of a page with their own coupons", () => {
    const answer: Record<string, unknown> = {
      ...PAGE_QUERY_REFUND_ANSWER,
      refund_count: 10,
      total_refund_count: 36,
    };
    for (let n = 0; n < 10; n += 1) {
      Object.assign(answer, {
        [`out_refund_no_${n}`]: `R${n}`,
        [`refund_id_${n}`]: `ID${n}`,
        [`refund_fee_${n}`]: n + 1,
        [`refund_status_${n}`]: "PROCESSING",
        [`coupon_refund_count_${n}`]: 0,
        [`coupon_refund_fee_${n}`]: 0,
        [`refund_success_time_${n}`]: undefined,
      });
    }
    for (const k of ["coupon_type_0_0", "coupon_refund_id_0_0", "coupon_refund_fee_0_0"]) delete answer[k];
    const page = parseRefundQueryAnswer(readEnvelope("queryRefund", answer));
    expect(page.totalRefundCount).toBe(36);
    expect(page.refunds.map((r) => r.outRefundNo)).toEqual([
      "R0",
      "R1",
      "R2",
      "R3",
      "R4",
      "R5",
      "R6",
      "R7",
      "R8",
      "R9",
    ]);
  });

  it("maps queryOrder trade_state and reads time_end as Beijing time", () => {
    const order = parseOrderAnswer(
      readEnvelope("queryOrder", {
        returnCode: "SUCCESS",
        result_code: "SUCCESS",
        trade_state: "SUCCESS",
        out_trade_no: "2021WERUN1647840687637",
        transaction_id: "4204860361200001213072203688",
        total_fee: 1,
        cash_fee: 1,
        time_end: "20220321135131",
      }),
    );
    expect(order.state).toBe(TradeState.PAID);
    expect(order.paidAt?.toISOString()).toBe("2022-03-21T05:51:31.000Z");
    expect(() =>
      parseOrderAnswer({ return_code: "SUCCESS", trade_state: "LOST", out_trade_no: "x", total_fee: 1 }),
    ).toThrow(/trade_state "LOST"/);
  });
});
