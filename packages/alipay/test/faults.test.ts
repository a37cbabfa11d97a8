import {
  cny,
  InsufficientFundsError,
  OutcomeUnknownError,
  ProviderUnavailableError,
  SignatureError,
} from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlipayHarness, alipayHarness, providerFor } from "./support.js";

describe("alipay under injected faults", () => {
  let h: AlipayHarness;
  beforeAll(async () => {
    h = await alipayHarness();
  });
  afterAll(() => h.close());

  const paidOrder = async (fen = 1000) => {
    const outTradeNo = uniqueOutTradeNo("FT");
    await h.provider.createPayment({
      outTradeNo,
      description: "x",
      amount: cny(fen),
      method: "native",
      notifyUrl: h.receiver.url,
    });
    await h.sandbox.pay(outTradeNo);
    return outTradeNo;
  };
  const refund = (outTradeNo: string, fen = 300) =>
    h.provider.refund({ outTradeNo, outRefundNo: `${outTradeNo}R`, amount: cny(fen), total: cny(1000) });

  it("ACQ.SYSTEM_ERROR: retryable, nothing refunded; the retry with the same out_request_no refunds once", async () => {
    const outTradeNo = await paidOrder();
    h.sandbox.injectFault({ kind: "system_error", method: "alipay.trade.refund" });
    const failed = refund(outTradeNo);
    await expect(failed).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(failed).rejects.toMatchObject({
      providerCode: "ACQ.SYSTEM_ERROR",
      retryable: true,
      retryClass: "retry",
    });
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(0);
    expect(await refund(outTradeNo)).toMatchObject({ state: 4 });
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(300);
  });

  it("timeout: OutcomeUnknownError (retryable); the query says not refunded (2); the retry refunds", async () => {
    const outTradeNo = await paidOrder();
    h.sandbox.injectFault({ kind: "timeout", method: "alipay.trade.refund" });
    const timedOut = refund(outTradeNo);
    await expect(timedOut).rejects.toBeInstanceOf(OutcomeUnknownError);
    await expect(timedOut).rejects.toMatchObject({ retryable: true });
    expect((await h.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` })).state).toBe(2);
    expect(await refund(outTradeNo)).toMatchObject({ state: 4 });
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(300);
  });

  it("response lost after the refund was recorded: OutcomeUnknownError; query shows 4; the retry does not refund twice", async () => {
    const outTradeNo = await paidOrder();
    // alipay-sdk's HTTP client (urllib 4, socketErrorRetry 1) resends once after a cut connection,
    // so both the request and its automatic resend must lose their answers.
    h.sandbox.injectFault({ kind: "response_lost", method: "alipay.trade.refund" });
    h.sandbox.injectFault({ kind: "response_lost", method: "alipay.trade.refund" });
    await expect(refund(outTradeNo)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(300);
    expect((await h.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` })).state).toBe(4);
    // fund_change N on the repeat; the provider confirms through the refund query.
    expect(await refund(outTradeNo)).toMatchObject({ state: 4, rawStatus: "REFUND_SUCCESS" });
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(300);
  });

  it("one lost answer is absorbed by the SDK's single resend: same out_request_no, refunded once", async () => {
    const outTradeNo = await paidOrder();
    h.sandbox.injectFault({ kind: "response_lost", method: "alipay.trade.refund" });
    const before = h.sandbox.requestCount();
    // The resend answers fund_change N; the provider confirms with the refund query (3 requests).
    expect(await refund(outTradeNo)).toMatchObject({
      state: 4,
      rawStatus: "REFUND_SUCCESS",
      amount: cny(300),
    });
    expect(h.sandbox.requestCount() - before).toBe(3);
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(300);
  });

  it("balance not enough (injected): InsufficientFundsError, final", async () => {
    const outTradeNo = await paidOrder();
    h.sandbox.injectFault({ kind: "balance_not_enough" });
    await expect(refund(outTradeNo)).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(refund(outTradeNo)).resolves.toMatchObject({ state: 4 });
  });

  it("balance not enough never hits a repeat of a held out_request_no: the held refund is answered", async () => {
    // https://opendocs.alipay.com/open/02ekfk: a repeat of the same out_request_no moves no money.
    const outTradeNo = await paidOrder();
    await expect(refund(outTradeNo)).resolves.toMatchObject({ state: 4 });
    h.sandbox.injectFault({ kind: "balance_not_enough", method: "alipay.trade.refund" });
    await expect(refund(outTradeNo)).resolves.toMatchObject({ state: 4, rawStatus: "REFUND_SUCCESS" });
    expect(h.sandbox.pendingFaults).toBe(0);
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(300);
  });

  it("fund_change N whose confirming query fails is an unknown outcome, never the refund refused", async () => {
    // Found by the refund property test: the answer of a refund is lost, alipay-sdk resends it, the
    // resend answers fund_change N, and the confirming query answers ACQ.SELLER_BALANCE_NOT_ENOUGH.
    // Read as a refusal of the refund, the engine closed a refund Alipay had paid.
    const outTradeNo = await paidOrder();
    h.sandbox.injectFault({ kind: "response_lost", method: "alipay.trade.refund" });
    h.sandbox.injectFault({ kind: "balance_not_enough", method: "alipay.trade.fastpay.refund.query" });
    const error = await refund(outTradeNo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).not.toBeInstanceOf(InsufficientFundsError);
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(300);
    await expect(refund(outTradeNo)).resolves.toMatchObject({ state: 4, rawStatus: "REFUND_SUCCESS" });
  });

  it("a corrupted answer signature is a SignatureError even though the call took effect", async () => {
    const outTradeNo = await paidOrder();
    h.sandbox.injectFault({ kind: "bad_signature", method: "alipay.trade.query" });
    await expect(h.provider.queryPayment({ outTradeNo })).rejects.toBeInstanceOf(SignatureError);
    expect((await h.provider.queryPayment({ outTradeNo })).state).toBe(3);
  });

  it("faults hit only their method and are consumed one per call", async () => {
    const outTradeNo = await paidOrder();
    h.sandbox.injectFault({ kind: "system_error", method: "alipay.trade.fastpay.refund.query" });
    expect((await h.provider.queryPayment({ outTradeNo })).state).toBe(3);
    expect(h.sandbox.pendingFaults).toBe(1);
    await expect(h.provider.queryRefund({ outTradeNo, outRefundNo: "X1" })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(h.sandbox.pendingFaults).toBe(0);
  });

  it("a gateway that refuses connections is ProviderUnavailableError (nothing was sent)", async () => {
    const gone = await startAlipaySandbox();
    const provider = providerFor(gone);
    await gone.close();
    await expect(provider.queryPayment({ outTradeNo: "ORDER0001" })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });
});
