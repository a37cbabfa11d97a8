import { AnswerMismatchError, cny, type PaymentError } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { cloudPaySetup, OPENID, SUB_MCH_ID } from "./cloudpay-harness.js";

async function caught(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise;
  } catch (error) {
    return error as PaymentError;
  }
  throw new Error("expected a rejection");
}

/** CloudPay answers for another order, refund or sub-merchant are never taken for the asked-for one. */
describe("CloudPay answers are checked to be about what was asked", () => {
  const { engine, simulator, provider } = cloudPaySetup();
  afterAll(() => simulator.close());

  const paid = async (fen = 1000) => {
    const outTradeNo = uniqueOutTradeNo("CE");
    await provider.createPayment({
      outTradeNo,
      description: "echo",
      amount: cny(fen),
      method: "mini_program",
      notifyUrl: "https://example.com/unused-by-cloudpay",
      payer: { openid: OPENID },
    });
    engine.pay(outTradeNo, { mchid: SUB_MCH_ID });
    return outTradeNo;
  };

  it.each([
    ["out_trade_no", "OTHER_ORDER"],
    ["sub_mch_id", "1900000999"],
  ])("queryOrder answered with another %s is an AnswerMismatchError naming it", async (field, value) => {
    const outTradeNo = await paid();
    simulator.inject("queryOrder", { kind: "rewrite", set: { [field]: value } });
    const error = await caught(provider.queryPayment({ outTradeNo }));
    expect(error).toBeInstanceOf(AnswerMismatchError);
    expect(error).toMatchObject({ field, answered: value });
  });

  it.each([
    ["out_refund_no", "OTHER_REFUND"],
    ["out_trade_no", "OTHER_ORDER"],
  ])("refund answered with another %s is refused", async (field, value) => {
    const outTradeNo = await paid();
    simulator.inject("refund", { kind: "rewrite", set: { [field]: value } });
    const error = await caught(
      provider.refund({ outTradeNo, outRefundNo: `${outTradeNo}R`, amount: cny(100), total: cny(1000) }),
    );
    expect(error).toMatchObject({ name: "AnswerMismatchError", field, answered: value });
  });

  it.each([
    ["out_refund_no_0", "OTHER_REFUND", "out_refund_no_$n"],
    ["out_trade_no", "OTHER_ORDER", "out_trade_no"],
  ])("queryRefund answered with another %s is refused", async (wireField, value, field) => {
    const outTradeNo = await paid();
    await provider.refund({ outTradeNo, outRefundNo: `${outTradeNo}R`, amount: cny(100), total: cny(1000) });
    simulator.inject("queryRefund", { kind: "rewrite", set: { [wireField]: value } });
    const error = await caught(provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` }));
    expect(error).toMatchObject({ name: "AnswerMismatchError", field });
  });

  it("listRefunds answered for another order is refused", async () => {
    const outTradeNo = await paid();
    await provider.refund({ outTradeNo, outRefundNo: `${outTradeNo}R`, amount: cny(100), total: cny(1000) });
    simulator.inject("queryRefund", { kind: "rewrite", set: { out_trade_no: "OTHER_ORDER" } });
    const error = await caught(provider.listRefunds({ outTradeNo }));
    expect(error).toMatchObject({ name: "AnswerMismatchError", field: "out_trade_no" });
  });
});
