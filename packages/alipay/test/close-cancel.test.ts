import { cny, InvalidRequestError, NotFoundError, TradeStateError } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlipayProvider } from "../src/index.js";
import { type AlipayHarness, alipayHarness } from "./support.js";

describe("alipay close and cancel end to end", () => {
  let h: AlipayHarness;
  let provider: AlipayProvider;
  beforeAll(async () => {
    h = await alipayHarness();
    provider = h.provider as AlipayProvider;
  });
  afterAll(() => h.close());

  const create = async (fen = 100) => {
    const outTradeNo = uniqueOutTradeNo("CC");
    await provider.createPayment({
      outTradeNo,
      description: "x",
      amount: cny(fen),
      method: "native",
      notifyUrl: h.receiver.url,
    });
    // The buyer scans the QR code: only then does Alipay hold the precreate trade.
    h.sandbox.scan(outTradeNo);
    return outTradeNo;
  };

  it("close: unpaid -> 1; a paid trade cannot be closed; an unknown one is NotFoundError", async () => {
    const unpaid = await create();
    await provider.closePayment({ outTradeNo: unpaid });
    expect((await provider.queryPayment({ outTradeNo: unpaid })).state).toBe(1);
    const paid = await create();
    await h.sandbox.pay(paid);
    await expect(provider.closePayment({ outTradeNo: paid })).rejects.toMatchObject({
      name: "TradeStateError",
      providerCode: "ACQ.TRADE_STATUS_ERROR",
      retryable: false,
    });
    await expect(provider.closePayment({ outTradeNo: uniqueOutTradeNo("NX") })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("cancel: unpaid -> closed (action close); paid -> refunded in full (action refund, trade 4)", async () => {
    const unpaid = await create();
    expect(await provider.cancelPayment({ outTradeNo: unpaid })).toMatchObject({ action: "close" });
    expect((await provider.queryPayment({ outTradeNo: unpaid })).state).toBe(1);
    const paid = await create(700);
    await h.sandbox.pay(paid);
    expect(await provider.cancelPayment({ outTradeNo: paid })).toMatchObject({ action: "refund" });
    expect(await provider.queryPayment({ outTradeNo: paid })).toMatchObject({
      rawStatus: "TRADE_CLOSED",
      state: 4,
    });
    expect(h.sandbox.trade(paid)?.refundedFen).toBe(700);
  });

  it("cancel: not after a refund (ACQ.REASON_TRADE_REFUND_FEE_ERR), not after 24 hours (ACQ.TRADE_CANCEL_TIME_OUT)", async () => {
    const refunded = await create(500);
    await h.sandbox.pay(refunded);
    await provider.refund({
      outTradeNo: refunded,
      outRefundNo: `${refunded}R`,
      amount: cny(100),
      total: cny(500),
    });
    const afterRefund = provider.cancelPayment({ outTradeNo: refunded });
    await expect(afterRefund).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(afterRefund).rejects.toMatchObject({ providerCode: "ACQ.REASON_TRADE_REFUND_FEE_ERR" });
    const old = await create();
    await h.sandbox.advanceClock(25 * 3600 * 1000);
    const late = provider.cancelPayment({ outTradeNo: old });
    await expect(late).rejects.toBeInstanceOf(TradeStateError);
    await expect(late).rejects.toMatchObject({ providerCode: "ACQ.TRADE_CANCEL_TIME_OUT" });
  });
});
