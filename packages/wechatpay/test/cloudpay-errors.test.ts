import {
  AccountAbnormalError,
  AuthorizationError,
  cny,
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  OutcomeUnknownError,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
  RefundState,
  SignatureError,
  TradeStateError,
} from "@paybridge/core";
import { CLOUDPAY_DOCUMENTED_ERROR_CODES } from "@paybridge/wechatpay";
import { describe, expect, it } from "vitest";
import { cloudPaySetup, OPENID, SUB_MCH_ID } from "./cloudpay-harness.js";

const DAY = 24 * 3600_000;

async function paid(outTradeNo: string, fen = 1_000) {
  const s = cloudPaySetup();
  await s.provider.createPayment({
    outTradeNo,
    description: "err",
    amount: cny(fen),
    method: "mini_program",
    notifyUrl: "https://example.com/unused",
    payer: { openid: OPENID },
  });
  s.engine.pay(outTradeNo, { mchid: SUB_MCH_ID });
  return s;
}

const refundOf = (outTradeNo: string, no: string, fen: number, total = 1_000) => ({
  outTradeNo,
  outRefundNo: no,
  amount: cny(fen),
  total: cny(total),
});

describe("every err_code of the CloudPay refund pages, answered by the simulator and classified by the transport", () => {
  // Codes the engine's own rules produce.
  it("TRADE_OVERDUE: refund more than 365 days after payment", async () => {
    const s = await paid("CPERR0001");
    s.engine.advance(366 * DAY);
    await expect(s.provider.refund(refundOf("CPERR0001", "R1", 1))).rejects.toSatisfy(
      (e) => e instanceof TradeStateError && e.providerCode === "TRADE_OVERDUE" && !e.retryable,
    );
  });

  it("ERROR: the refunds would exceed the order total", async () => {
    const s = await paid("CPERR0002");
    await s.provider.refund(refundOf("CPERR0002", "R1", 900));
    s.engine.advance(61_000);
    await expect(s.provider.refund(refundOf("CPERR0002", "R2", 101))).rejects.toSatisfy(
      (e) => e instanceof ProviderError && e.providerCode === "ERROR" && !e.retryable,
    );
  });

  it("PARAM_ERROR: a malformed parameter, named in err_code_des", async () => {
    const s = await paid("CPERR0003");
    const bad = s.provider.client.refund({
      outTradeNo: "CPERR0003",
      outRefundNo: "R 1",
      totalFee: 1_000,
      refundFee: 1,
    });
    await expect(bad).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(bad).rejects.toMatchObject({
      providerCode: "PARAM_ERROR",
      providerMessage: expect.stringContaining("out_refund_no"),
    });
  });

  it("INVALID_TRANSACTIONID: refund by a transaction_id WeChat does not know", async () => {
    const s = await paid("CPERR0004");
    const bad = s.provider.client.refund({
      transactionId: "4200000000000000000000000001",
      outRefundNo: "R1",
      totalFee: 1_000,
      refundFee: 1,
    });
    await expect(bad).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(bad).rejects.toMatchObject({ providerCode: "INVALID_TRANSACTIONID", retryable: false });
  });

  it("MCHID_NOT_EXIST: a sub_mch_id the engine does not know", async () => {
    const s = cloudPaySetup();
    const { CloudPayClient } = await import("@paybridge/wechatpay");
    const stranger = new CloudPayClient(s.simulator, { subMchId: "1999999999" });
    await expect(stranger.queryOrder({ outTradeNo: "CPERR0005" })).rejects.toMatchObject({
      providerCode: "MCHID_NOT_EXIST",
      retryable: false,
    });
  });

  it("REFUNDNOTEXIST: refund query of an order without refunds, and of an unknown refund", async () => {
    const s = await paid("CPERR0006");
    await expect(s.provider.client.queryRefund({ outTradeNo: "CPERR0006" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      s.provider.queryRefund({ outTradeNo: "CPERR0006", outRefundNo: "NOPE" }),
    ).rejects.toMatchObject({
      providerCode: "REFUNDNOTEXIST",
    });
    expect(await s.provider.listRefunds({ outTradeNo: "CPERR0006" })).toEqual([]);
  });

  it("FREQUENCY_LIMITED: a second partial refund within a minute, retryable", async () => {
    const s = await paid("CPERR0007");
    await s.provider.refund(refundOf("CPERR0007", "R1", 1));
    await expect(s.provider.refund(refundOf("CPERR0007", "R2", 1))).rejects.toSatisfy(
      (e) =>
        e instanceof RateLimitError && e.providerCode === "FREQUENCY_LIMITED" && e.retryClass === "retry",
    );
  });

  it("INVALID_REQ_TOO_MUCH: more than 6 failed refund calls in a second, throttle", async () => {
    const s = await paid("CPERR0008");
    const over = { outTradeNo: "CPERR0008", totalFee: 1_000, refundFee: 5_000 };
    for (let i = 0; i < 6; i += 1) {
      await expect(s.provider.client.refund({ ...over, outRefundNo: `F${i}` })).rejects.toMatchObject({
        providerCode: "ERROR",
      });
    }
    await expect(s.provider.client.refund({ ...over, outRefundNo: "F7" })).rejects.toSatisfy(
      (e) =>
        e instanceof RateLimitError &&
        e.providerCode === "INVALID_REQ_TOO_MUCH" &&
        e.retryClass === "throttle",
    );
  });

  it("SYSTEMERROR, NOTENOUGH, USER_ACCOUNT_ABNORMAL: the engine's injected faults", async () => {
    const s = await paid("CPERR0009");
    s.engine.injectFault({ kind: "SYSTEM_ERROR", operation: "refund" });
    await expect(s.provider.refund(refundOf("CPERR0009", "R1", 1))).rejects.toSatisfy(
      (e) => e instanceof ProviderUnavailableError && e.providerCode === "SYSTEMERROR" && e.retryable,
    );
    s.engine.injectFault({ kind: "NOT_ENOUGH", operation: "refund" });
    await expect(s.provider.refund(refundOf("CPERR0009", "R1", 1))).rejects.toSatisfy(
      (e) => e instanceof InsufficientFundsError && e.providerCode === "NOTENOUGH" && !e.retryable,
    );
    s.engine.injectFault({ kind: "USER_ACCOUNT_ABNORMAL", operation: "refund" });
    await expect(s.provider.refund(refundOf("CPERR0009", "R1", 1))).rejects.toSatisfy(
      (e) => e instanceof AccountAbnormalError && e.providerCode === "USER_ACCOUNT_ABNORMAL" && !e.retryable,
    );
    // Retrying with the same refund number after SYSTEMERROR refunds once.
    const ok = await s.provider.refund(refundOf("CPERR0009", "R1", 1));
    expect(ok.state).toBe(RefundState.SUBMITTED);
  });

  it("a lost response is an unknown outcome; the retry with the same number finds the one refund", async () => {
    const s = await paid("CPERR0010");
    s.engine.injectFault({ kind: "RESPONSE_LOST", operation: "refund" });
    await expect(s.provider.refund(refundOf("CPERR0010", "R1", 10))).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    const again = await s.provider.refund(refundOf("CPERR0010", "R1", 10));
    expect(again.outRefundNo).toBe("R1");
    expect(await s.provider.listRefunds({ outTradeNo: "CPERR0010" })).toHaveLength(1);
  });

  // Codes CloudPay's private link makes unreachable from a cloud function (it fills appid, mch_id
  // and sign itself, speaks JSON, not XML) or that depend on WeChat-side state the engine does not
  // model (two-month-old orders, IP allow lists): answered by the simulator's transport-level queue.
  it.each([
    ["BIZERR_NEED_RETRY", ProviderUnavailableError, "retry"],
    ["APPID_NOT_EXIST", InvalidRequestError, "final"],
    ["REQUIRE_POST_METHOD", InvalidRequestError, "final"],
    ["SIGNERROR", SignatureError, "final"],
    ["XML_FORMAT_ERROR", InvalidRequestError, "final"],
    ["NOAUTH", AuthorizationError, "final"],
  ] as const)("%s (injected) -> %o, %s", async (code, cls, retry) => {
    const s = await paid(`CPINJ${code.slice(0, 10)}`);
    s.simulator.inject("refund", { kind: "result_fail", errCode: code, errCodeDes: "注入" });
    const refused = s.provider.refund(refundOf(`CPINJ${code.slice(0, 10)}`, "R1", 1));
    await expect(refused).rejects.toBeInstanceOf(cls);
    await expect(refused).rejects.toMatchObject({
      providerCode: code,
      providerMessage: "注入",
      retryClass: retry,
    });
  });

  it("returnCode FAIL and a thrown SDK call", async () => {
    const s = await paid("CPERR0011");
    s.simulator.inject("queryOrder", { kind: "return_fail", returnMsg: "参数格式校验错误" });
    await expect(s.provider.queryPayment({ outTradeNo: "CPERR0011" })).rejects.toThrow(/参数格式校验错误/);
    s.simulator.inject("refund", { kind: "throw", message: "timeout" });
    await expect(s.provider.refund(refundOf("CPERR0011", "R1", 1))).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
  });

  it("the list above plus the injected ones cover all seventeen documented codes", () => {
    const covered = [
      "TRADE_OVERDUE",
      "ERROR",
      "PARAM_ERROR",
      "INVALID_TRANSACTIONID",
      "MCHID_NOT_EXIST",
      "REFUNDNOTEXIST",
      "FREQUENCY_LIMITED",
      "INVALID_REQ_TOO_MUCH",
      "SYSTEMERROR",
      "NOTENOUGH",
      "USER_ACCOUNT_ABNORMAL",
      "BIZERR_NEED_RETRY",
      "APPID_NOT_EXIST",
      "REQUIRE_POST_METHOD",
      "SIGNERROR",
      "XML_FORMAT_ERROR",
      "NOAUTH",
    ];
    expect([...covered].sort()).toEqual([...CLOUDPAY_DOCUMENTED_ERROR_CODES].sort());
  });
});

describe("CloudPay callbacks", () => {
  it("rejects an event for another merchant, an unpaid order, or a changed amount", async () => {
    const s = await paid("CPCB00001", 800);
    const cb = s.simulator.takeCallback("CPCB00001");
    const body = (e: object) => ({ headers: {}, body: JSON.stringify(e) });
    const event = cb?.event ?? {};
    await expect(s.provider.parseNotification(body({ ...event, subMchId: "1999999999" }))).rejects.toThrow(
      /sub_mch_id/,
    );
    await expect(s.provider.parseNotification(body({ ...event, totalFee: 1 }))).rejects.toThrow(/total_fee/);
    await expect(
      s.provider.parseNotification(body({ ...event, outTradeNo: "CPCBNOPE1" })),
    ).rejects.toBeInstanceOf(SignatureError);
    await expect(s.provider.parseNotification({ headers: {}, body: "not json" })).rejects.toBeInstanceOf(
      SignatureError,
    );
    const ok = await s.provider.parseNotification(body(event));
    expect(ok.id).toBe(event.transactionId);
    expect(JSON.parse(s.provider.acknowledge(true).body)).toEqual({ errcode: 0, errmsg: "OK" });
  });
});
