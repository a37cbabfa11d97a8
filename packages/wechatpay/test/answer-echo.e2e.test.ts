import {
  AnswerMismatchError,
  cny,
  createPayBridgeContainer,
  type PaymentError,
  RefundOutcomeUnknownError,
  RefundService,
  RefundState,
  registerMerchant,
  registerProvider,
  resolveGateway,
  TradeState,
} from "@paybridge/core";
import { uniqueOutTradeNo as uid } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WechatPayProvider } from "../src/index.js";
import { configFor, type Rig, startRig } from "./sandbox-setup.js";

async function caught(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise;
  } catch (error) {
    return error as PaymentError;
  }
  throw new Error("expected a rejection");
}

/**
 * Every answer must be about what was asked: the sandbox answers (validly signed) for another
 * order, refund, merchant or app, and the provider refuses to take it for the asked-for object.
 */
describe("WeChat Pay APIv3 answers are checked to be about what was asked", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig("public_key");
  });
  afterAll(() => rig.close());

  const paidOrder = async (fen = 1000) => {
    const { outTradeNo } = await rig.provider.createPayment({
      outTradeNo: uid("AE"),
      description: "echo",
      amount: cny(fen),
      method: "native",
      notifyUrl: rig.notifyUrl,
    });
    rig.sandbox.control.pay(outTradeNo);
    return outTradeNo;
  };

  it.each([
    ["out_trade_no", "SOMEONE_ELSES_ORDER"],
    ["mchid", "1900099999"],
    ["appid", "wx0000000000000000"],
  ])("an order query answered with another %s is an AnswerMismatchError naming it", async (field, value) => {
    const outTradeNo = await paidOrder();
    rig.sandbox.control.rewriteAnswer({ operation: "query_order", set: { [field]: value } });
    const error = await caught(rig.provider.queryPayment({ outTradeNo }));
    expect(error).toBeInstanceOf(AnswerMismatchError);
    expect(error).toMatchObject({ field, answered: value, code: "ANSWER_MISMATCH" });
    expect(error.message).toContain(field);
    // The next, honest answer is taken.
    expect((await rig.provider.queryPayment({ outTradeNo })).state).toBe(TradeState.PAID);
  });

  it("an order query by transaction_id answered for another transaction is refused", async () => {
    const outTradeNo = await paidOrder();
    const { providerTradeNo } = await rig.provider.queryPayment({ outTradeNo });
    rig.sandbox.control.rewriteAnswer({ operation: "query_order", set: { transaction_id: "4200000000999" } });
    const error = await caught(rig.provider.queryPayment({ providerTradeNo: providerTradeNo as string }));
    expect(error).toMatchObject({ name: "AnswerMismatchError", field: "transaction_id" });
  });

  it.each([
    ["out_refund_no", "OTHER_REFUND"],
    ["out_trade_no", "OTHER_ORDER01"],
  ])("a refund answered with another %s is refused", async (field, value) => {
    const outTradeNo = await paidOrder();
    rig.sandbox.control.rewriteAnswer({ operation: "refund", set: { [field]: value } });
    const error = await caught(
      rig.provider.refund({ outTradeNo, outRefundNo: `${outTradeNo}R`, amount: cny(100), total: cny(1000) }),
    );
    expect(error).toMatchObject({ name: "AnswerMismatchError", field, answered: value });
  });

  it.each([
    ["out_refund_no", "OTHER_REFUND"],
    ["out_trade_no", "OTHER_ORDER01"],
  ])("a refund query answered with another %s is refused", async (field, value) => {
    const outTradeNo = await paidOrder();
    await rig.provider.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}R`,
      amount: cny(100),
      total: cny(1000),
    });
    rig.sandbox.control.rewriteAnswer({ operation: "query_refund", set: { [field]: value } });
    const error = await caught(rig.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` }));
    expect(error).toMatchObject({ name: "AnswerMismatchError", field, answered: value });
  });

  it("a refund whose answer is about another refund stays open, outcome unknown (never closed, never paid twice)", async () => {
    const outTradeNo = await paidOrder(1000);
    const container = createPayBridgeContainer();
    registerProvider(container, WechatPayProvider);
    registerMerchant(container, {
      id: "wx-echo",
      provider: WechatPayProvider.id,
      config: configFor(rig.merchant, rig.sandbox.origin),
    });
    const service = new RefundService({ gateway: resolveGateway(container), retry: { maxAttempts: 1 } });
    await service.recordOrder({ outTradeNo, merchantId: "wx-echo", total: cny(1000), paidAt: new Date() });
    rig.sandbox.control.rewriteAnswer({ operation: "refund", set: { out_refund_no: "SOMEONE_ELSES" } });
    const error = await caught(
      service.refund({ outTradeNo, outRefundNo: `${outTradeNo}S`, amount: cny(200) }),
    );
    expect(error).toBeInstanceOf(RefundOutcomeUnknownError);
    expect((error as RefundOutcomeUnknownError).reason).toBeInstanceOf(AnswerMismatchError);
    const stored = await service.getRefund(`${outTradeNo}S`);
    expect(stored).toMatchObject({ state: RefundState.NOT_SUBMITTED, outcomeUnknown: true });
    // Recovery asks WeChat about this very number and books what it says: one refund, no second.
    await service.resumePending({ force: true });
    const after = await service.getRefund(`${outTradeNo}S`);
    expect(after?.state).toBeGreaterThanOrEqual(RefundState.SUBMITTED);
    expect(rig.sandbox.engine.refundsOf(outTradeNo).map((r) => [r.outRefundNo, r.refundFen])).toEqual([
      [`${outTradeNo}S`, 200],
    ]);
  });

  it("an order query answer without the optional amount is mapped without it (not refused)", async () => {
    const { outTradeNo } = await rig.provider.createPayment({
      outTradeNo: uid("NA"),
      description: "no amount",
      amount: cny(500),
      method: "native",
      notifyUrl: rig.notifyUrl,
    });
    rig.sandbox.control.rewriteAnswer({
      operation: "query_order",
      remove: ["amount", "payer", "transaction_id", "success_time", "bank_type", "attach", "trade_type"],
    });
    const trade = await rig.provider.queryPayment({ outTradeNo });
    expect(trade).toMatchObject({ outTradeNo, state: TradeState.UNPAID, rawStatus: "NOTPAY" });
    expect(trade.amount).toBeUndefined();
    expect(trade.providerTradeNo).toBeUndefined();
  });

  it("a paid order's answer without amount still maps paid, and without payer_total has no paidAmount", async () => {
    const outTradeNo = await paidOrder(700);
    rig.sandbox.control.rewriteAnswer({ operation: "query_order", remove: ["amount.payer_total"] });
    const trade = await rig.provider.queryPayment({ outTradeNo });
    expect(trade).toMatchObject({ state: TradeState.PAID, amount: cny(700) });
    expect(trade.paidAmount).toBeUndefined();
  });
});
