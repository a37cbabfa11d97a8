import { AnswerMismatchError, cny, type PaymentError, TradeState } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlipayHarness, alipayHarness } from "./support.js";

async function caught(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise;
  } catch (error) {
    return error as PaymentError;
  }
  throw new Error("expected a rejection");
}

/**
 * Every Alipay answer must be about what was asked: the sandbox answers, validly signed, for
 * another order or refund request, and the provider refuses to take it for the asked-for object.
 */
describe("alipay answers are checked to be about what was asked", () => {
  let h: AlipayHarness;
  beforeAll(async () => {
    h = await alipayHarness();
  });
  afterAll(() => h.close());

  const order = async (fen = 1000, paid = true) => {
    const outTradeNo = uniqueOutTradeNo("AE");
    await h.provider.createPayment({
      outTradeNo,
      description: "echo",
      amount: cny(fen),
      method: "native",
      notifyUrl: h.receiver.url,
    });
    if (paid) await h.sandbox.pay(outTradeNo);
    else h.sandbox.scan(outTradeNo);
    return outTradeNo;
  };

  it("a trade query answered for another out_trade_no is an AnswerMismatchError naming it", async () => {
    const outTradeNo = await order();
    h.sandbox.rewriteAnswer({ operation: "alipay.trade.query", set: { out_trade_no: "SOMEONE_ELSES" } });
    const error = await caught(h.provider.queryPayment({ outTradeNo }));
    expect(error).toBeInstanceOf(AnswerMismatchError);
    expect(error).toMatchObject({ field: "out_trade_no", asked: outTradeNo, answered: "SOMEONE_ELSES" });
    expect((await h.provider.queryPayment({ outTradeNo })).state).toBe(TradeState.PAID);
  });

  it("a trade query by trade_no answered for another trade_no is refused", async () => {
    const outTradeNo = await order();
    const { providerTradeNo } = await h.provider.queryPayment({ outTradeNo });
    h.sandbox.rewriteAnswer({ operation: "alipay.trade.query", set: { trade_no: "2026000000000000" } });
    const error = await caught(h.provider.queryPayment({ providerTradeNo: providerTradeNo as string }));
    expect(error).toMatchObject({ name: "AnswerMismatchError", field: "trade_no" });
  });

  it("a precreate answered for another out_trade_no is refused", async () => {
    h.sandbox.rewriteAnswer({ operation: "alipay.trade.precreate", set: { out_trade_no: "OTHER" } });
    const error = await caught(
      h.provider.createPayment({
        outTradeNo: uniqueOutTradeNo("AP"),
        description: "echo",
        amount: cny(100),
        method: "native",
        notifyUrl: h.receiver.url,
      }),
    );
    expect(error).toMatchObject({ name: "AnswerMismatchError", field: "out_trade_no", answered: "OTHER" });
  });

  it("a refund answered for another out_trade_no is refused", async () => {
    const outTradeNo = await order();
    h.sandbox.rewriteAnswer({ operation: "alipay.trade.refund", set: { out_trade_no: "OTHER_ORDER" } });
    const error = await caught(
      h.provider.refund({ outTradeNo, outRefundNo: `${outTradeNo}R`, amount: cny(100), total: cny(1000) }),
    );
    expect(error).toMatchObject({ name: "AnswerMismatchError", field: "out_trade_no" });
  });

  it.each([
    ["out_request_no", "OTHER_REQUEST"],
    ["out_trade_no", "OTHER_ORDER"],
  ])(
    "a refund query answered with another %s is refused, never taken for this refund",
    async (field, value) => {
      const outTradeNo = await order();
      await h.provider.refund({
        outTradeNo,
        outRefundNo: `${outTradeNo}R`,
        amount: cny(100),
        total: cny(1000),
      });
      h.sandbox.rewriteAnswer({ operation: "alipay.trade.fastpay.refund.query", set: { [field]: value } });
      const error = await caught(h.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` }));
      expect(error).toMatchObject({ name: "AnswerMismatchError", field, answered: value });
    },
  );

  it("a refund query with a refund amount but no out_request_no is not taken for this refund", async () => {
    const outTradeNo = await order();
    await h.provider.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}R`,
      amount: cny(100),
      total: cny(1000),
    });
    h.sandbox.rewriteAnswer({ operation: "alipay.trade.fastpay.refund.query", remove: ["out_request_no"] });
    const error = await caught(h.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` }));
    expect(error).toMatchObject({ name: "AnswerMismatchError", field: "out_request_no" });
  });

  it("a close answered for another out_trade_no is refused", async () => {
    const outTradeNo = await order(500, false);
    h.sandbox.rewriteAnswer({ operation: "alipay.trade.close", set: { out_trade_no: "OTHER" } });
    const error = await caught(h.provider.closePayment({ outTradeNo }));
    expect(error).toMatchObject({ name: "AnswerMismatchError", field: "out_trade_no" });
  });

  it("answers without their optional fields are accepted (query without buyer_pay_amount / send_pay_date; close without out_trade_no)", async () => {
    const outTradeNo = await order(800);
    h.sandbox.rewriteAnswer({
      operation: "alipay.trade.query",
      remove: ["buyer_pay_amount", "receipt_amount", "buyer_logon_id", "buyer_user_id"],
    });
    const trade = await h.provider.queryPayment({ outTradeNo });
    expect(trade).toMatchObject({ state: TradeState.PAID, amount: cny(800) });
    expect(trade.paidAmount).toBeUndefined();
    const unpaid = await order(300, false);
    h.sandbox.rewriteAnswer({ operation: "alipay.trade.close", remove: ["out_trade_no", "trade_no"] });
    await h.provider.closePayment({ outTradeNo: unpaid });
    expect((await h.provider.queryPayment({ outTradeNo: unpaid })).state).toBe(TradeState.CLOSED);
  });
});
