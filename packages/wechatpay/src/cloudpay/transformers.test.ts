import { OutcomeUnknownError, RefundState, TradeState, UnknownStatusError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { readEnvelope } from "./envelope.js";
import { PAGE_QUERY_REFUND_ANSWER, PAGE_REFUND_ANSWER } from "./fixtures/page-examples.js";
import {
  fromCloudPayOrder,
  fromCloudPayRefund,
  fromCloudPayRefundAccepted,
  parseOrderAnswer,
  parseRefundAnswer,
  parseRefundQueryAnswer,
  toCloudPayOrderParams,
  toCloudPayRefundInput,
} from "./transformers.js";

const refundQuery = (extra: Record<string, unknown> = {}) =>
  parseRefundQueryAnswer(readEnvelope("queryRefund", { ...PAGE_QUERY_REFUND_ANSWER, ...extra }));
/** The first refund of a queryRefund answer as a RefundResult: wire status -> unified state in one step. */
const firstRefund = (extra: Record<string, unknown> = {}) => {
  const page = refundQuery(extra);
  const [record] = page.refunds;
  if (!record) throw new Error("the answer lists no refund");
  return fromCloudPayRefund(page.outTradeNo, record, "1900000109");
};

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
    expect(firstRefund({ refund_status_0: status, ...extra }).state).toBe(state);
  });

  it("refuses an unknown refund_status naming the value", () => {
    expect(() => firstRefund({ refund_status_0: "REFUNDED" })).toThrow(UnknownStatusError);
    expect(() => firstRefund({ refund_status_0: "REFUNDED" })).toThrow(/refund_status "REFUNDED"/);
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
    expect(fromCloudPayOrder(order, "1900000109").state).toBe(TradeState.PAID);
    expect(order.paidAt?.toISOString()).toBe("2022-03-21T05:51:31.000Z");
    expect(() =>
      fromCloudPayOrder(
        parseOrderAnswer({ return_code: "SUCCESS", trade_state: "LOST", out_trade_no: "x", total_fee: 1 }),
        "1900000109",
      ),
    ).toThrow(/trade_state "LOST"/);
  });
});

describe("CloudPay mapping, PayBridge <-> CloudPay (transformers.ts)", () => {
  it("maps the example refund onto a RefundResult with the coupon split", () => {
    expect(firstRefund()).toEqual({
      provider: "wechatpay-cloud",
      merchantId: "1900000109",
      outTradeNo: PAGE_QUERY_REFUND_ANSWER.out_trade_no,
      outRefundNo: "1217752501201407033233368018",
      providerRefundId: "1217752501201407033233368018",
      state: RefundState.SUCCESS,
      rawStatus: "SUCCESS",
      amount: { fen: 100, currency: "CNY" },
      payerRefundAmount: { fen: 0, currency: "CNY" },
      discountRefundAmount: { fen: 100, currency: "CNY" },
      settlementRefundAmount: { fen: 100, currency: "CNY" },
      successAt: new Date("2016-07-25T07:26:26.000Z"),
      channel: "ORIGINAL",
      receivedAccount: "招商银行信用卡0403",
    });
  });

  it("reads an accepted refund without a status as SUBMITTED / PROCESSING", () => {
    const accepted = parseRefundAnswer(readEnvelope("refund", PAGE_REFUND_ANSWER));
    expect(fromCloudPayRefundAccepted(accepted, "m")).toMatchObject({
      state: RefundState.SUBMITTED,
      rawStatus: "PROCESSING",
      amount: { fen: 100, currency: "CNY" },
    });
  });

  it("writes unifiedOrder parameters with timeExpire as compact Beijing time", () => {
    const params = toCloudPayOrderParams(
      {
        method: "mini_program",
        outTradeNo: "CP1",
        description: "d",
        amount: { fen: 10, currency: "CNY" },
        notifyUrl: "https://example.com/n",
        expiresAt: new Date("2016-07-25T07:26:26.000Z"),
      },
      "openid-1",
      { functionName: "pay_cb", envId: "env-1", spbillCreateIp: "127.0.0.1" },
    );
    expect(params).toEqual({
      functionName: "pay_cb",
      envId: "env-1",
      body: "d",
      outTradeNo: "CP1",
      totalFee: 10,
      spbillCreateIp: "127.0.0.1",
      tradeType: "JSAPI",
      openid: "openid-1",
      timeExpire: "20160725152626",
    });
  });

  it.each([
    [undefined, undefined],
    ["AVAILABLE", "REFUND_SOURCE_RECHARGE_FUNDS"],
    ["UNSETTLED", "REFUND_SOURCE_UNSETTLED_FUNDS"],
  ] as const)("maps fundsAccount %s to refund_account %s", (fundsAccount, refundAccount) => {
    const input = toCloudPayRefundInput({
      outTradeNo: "CP1",
      outRefundNo: "R1",
      amount: { fen: 5, currency: "CNY" },
      total: { fen: 10, currency: "CNY" },
      ...(fundsAccount ? { fundsAccount } : {}),
    });
    expect(input).toMatchObject({ outTradeNo: "CP1", outRefundNo: "R1", totalFee: 10, refundFee: 5 });
    expect(input.refundAccount).toBe(refundAccount);
  });
});
