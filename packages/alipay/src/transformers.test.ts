import { cny, UnexpectedAnswerError, ValidationError } from "@paybridge/core";
import { parseAnswer } from "@paybridge/core/provider-kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { payBizContent, refundBizContent, refundSplit, tradeResultFromQuery } from "./transformers.js";
import { refundQueryResponseSchema, tradeQueryResponseSchema, yuanFen } from "./wire-types.js";

/** One yuan field of an answer read as the client reads it: at the edge, into fen. */
const answerFen = (value: unknown, field: string): number =>
  parseAnswer({
    provider: "alipay",
    method: "test",
    schema: z.looseObject({ [field]: yuanFen }),
    value: value === undefined ? {} : { [field]: value },
  })[field] as number;

const payment = {
  outTradeNo: "ORDER0001",
  description: "商品",
  amount: { fen: 1, currency: "CNY" as const },
  method: "native" as const,
  notifyUrl: "https://shop.example/notify",
};

describe("alipay transformers: yuan only at this edge", () => {
  it("writes fen as exact yuan strings", () => {
    expect(payBizContent(payment, "native")).toMatchObject({
      total_amount: "0.01",
      product_code: "FACE_TO_FACE_PAYMENT",
    });
    expect(
      payBizContent({ ...payment, amount: { fen: 123456789, currency: "CNY" } }, "page").total_amount,
    ).toBe("1234567.89");
    expect(refundBizContent({ outTradeNo: "ORDER0001", outRefundNo: "R1", amount: { fen: 30 } })).toEqual({
      out_trade_no: "ORDER0001",
      refund_amount: "0.30",
      out_request_no: "R1",
    });
  });

  it("writes time_expire in Beijing time and URL-encodes passback_params", () => {
    const biz = payBizContent(
      { ...payment, expiresAt: new Date("2026-01-01T00:00:00Z"), attach: "a=1&b=2" },
      "native",
    );
    expect(biz.time_expire).toBe("2026-01-01 08:00:00");
    expect(biz.passback_params).toBe("a%3D1%26b%3D2");
  });

  it("mini_program needs payer.buyerId", () => {
    expect(() => payBizContent({ ...payment, method: "mini_program" }, "mini_program")).toThrow(
      ValidationError,
    );
  });

  it("reads yuan answers exactly and rejects more than two decimals", () => {
    expect(answerFen("0.01", "total_amount")).toBe(1);
    expect(answerFen("100.2", "total_amount")).toBe(10020);
    expect(answerFen(88.8, "total_amount")).toBe(8880);
    // Was a ProviderError before answers were parsed at the edge; now the typed answer error.
    expect(() => answerFen("0.001", "total_amount")).toThrow(UnexpectedAnswerError);
    expect(() => answerFen("0.001", "total_amount")).toThrow(/total_amount/);
    expect(() => answerFen(undefined, "refund_amount")).toThrow(/refund_amount/);
  });
});

describe("alipay voucher amounts", () => {
  it("maps buyer_pay_amount, point_amount and receipt_amount to the vouchers and the merchant's settlement", () => {
    const trade = tradeResultFromQuery(
      tradeQueryResponseSchema.parse({
        code: "10000",
        msg: "Success",
        out_trade_no: "A1",
        trade_no: "2026",
        trade_status: "TRADE_SUCCESS",
        total_amount: "100.00",
        buyer_pay_amount: "83.00",
        point_amount: "2.00",
        receipt_amount: "90.00",
        send_pay_date: "2026-03-01 09:00:00",
      }),
      { provider: "alipay", merchantId: "m" },
      () => 0,
    );
    expect(trade).toMatchObject({
      paidAmount: cny(8_300),
      discountAmount: cny(1_500),
      settlementAmount: cny(9_000),
    });
  });

  it("maps present_refund_* and send_back_fee", () => {
    expect(
      refundSplit(
        refundQueryResponseSchema.parse({
          code: "10000",
          present_refund_buyer_amount: "74.70",
          present_refund_discount_amount: "4.50",
          present_refund_mdiscount_amount: "9.00",
          send_back_fee: "81.00",
        }),
      ),
    ).toEqual({
      payerRefundAmount: cny(7_470),
      discountRefundAmount: cny(1_350),
      settlementRefundAmount: cny(8_100),
    });
  });
});
