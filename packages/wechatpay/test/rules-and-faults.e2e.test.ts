import {
  AccountAbnormalError,
  cny,
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  OutcomeUnknownError,
  type PaymentError,
  ProviderUnavailableError,
  RateLimitError,
  RefundState,
} from "@paybridge/core";
import { uniqueOutTradeNo as uid } from "@paybridge/core/testkit";
import type { WechatFaultKind } from "@paybridge/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./sandbox-setup.js";

const DAY = 24 * 3600_000;

async function caught(promise: Promise<unknown>): Promise<PaymentError> {
  try {
    await promise;
  } catch (error) {
    return error as PaymentError;
  }
  throw new Error("expected a rejection");
}

describe.each(["platform_certificate", "public_key"] as const)(
  "refund rules and faults end to end (%s)",
  (keyMode) => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await startRig(keyMode, {}, { timeoutMs: 400 });
    });
    afterAll(() => rig.close());
    // The per-second failure budget (6 qps) is counted on the sandbox clock: give each test a fresh second.
    beforeEach(() => rig.sandbox.control.advance(1_000));

    const paidOrder = async (fen = 1000) => {
      const { outTradeNo } = await rig.provider.createPayment({
        outTradeNo: uid("RF"),
        description: "rules",
        amount: cny(fen),
        method: "native",
        notifyUrl: rig.notifyUrl,
      });
      rig.sandbox.control.pay(outTradeNo);
      return outTradeNo;
    };
    const refund = (outTradeNo: string, no: string, fen: number, total = 1000) =>
      rig.provider.refund({
        outTradeNo,
        outRefundNo: `${outTradeNo}${no}`,
        amount: cny(fen),
        total: cny(total),
      });

    it("365 days after pay success: InvalidRequestError, final", async () => {
      const no = await paidOrder();
      rig.sandbox.control.advance(366 * DAY);
      const e = await caught(refund(no, "W", 1));
      expect(e).toBeInstanceOf(InvalidRequestError);
      expect([e.providerCode, e.httpStatus, e.retryable]).toEqual(["INVALID_REQUEST", 400, false]);
    });

    it("the 51st refund of an order: InvalidRequestError, final", async () => {
      const no = await paidOrder(1000);
      for (let i = 0; i < 50; i += 1) {
        await refund(no, `N${i}`, 1);
        rig.sandbox.control.advance(60_000);
      }
      const e = await caught(refund(no, "N50", 1));
      expect(e).toBeInstanceOf(InvalidRequestError);
      expect(e.retryable).toBe(false);
      expect(rig.sandbox.engine.refundsOf(no)).toHaveLength(50);
    });

    it("refunds past the total: InvalidRequestError, final", async () => {
      const no = await paidOrder(1000);
      await refund(no, "S1", 900);
      rig.sandbox.control.advance(60_000);
      const e = await caught(refund(no, "S2", 101));
      expect([e.name, e.providerCode, e.retryable]).toEqual([
        "InvalidRequestError",
        "INVALID_REQUEST",
        false,
      ]);
    });

    it("a second refund within a minute: RateLimitError, retryable, and accepted after the minute", async () => {
      const no = await paidOrder();
      await refund(no, "I1", 100);
      rig.sandbox.control.advance(30_000);
      const e = await caught(refund(no, "I2", 100));
      expect(e).toBeInstanceOf(RateLimitError);
      expect([e.providerCode, e.httpStatus, e.retryable]).toEqual(["FREQUENCY_LIMITED", 429, true]);
      rig.sandbox.control.advance(30_000);
      expect((await refund(no, "I2", 100)).state).toBe(RefundState.SUBMITTED);
    });

    it("the same out_refund_no returns the original refund and never refunds twice", async () => {
      const no = await paidOrder();
      const first = await refund(no, "D", 400);
      const again = await refund(no, "D", 400);
      expect(again.providerRefundId).toBe(first.providerRefundId);
      expect(rig.sandbox.engine.refundsOf(no)).toHaveLength(1);
    });

    it("150 successful refund calls per second per merchant, then RateLimitError (retryable)", async () => {
      const no = await paidOrder();
      for (let i = 0; i < 150; i += 1) await refund(no, "Q", 1);
      const e = await caught(refund(no, "Q", 1));
      expect(e).toBeInstanceOf(RateLimitError);
      expect([e.providerCode, e.retryable]).toEqual(["FREQUENCY_LIMITED", true]);
      rig.sandbox.control.advance(1_000);
      expect((await refund(no, "Q", 1)).amount).toEqual(cny(1));
    });

    it("6 failed refund calls per second per merchant, then even a good call is RateLimitError", async () => {
      const no = await paidOrder();
      for (let i = 0; i < 6; i += 1) {
        expect(await caught(refund(uid("NX"), `F${i}`, 1))).toBeInstanceOf(NotFoundError);
      }
      const e = await caught(refund(no, "G", 1));
      expect([e.name, e.retryable]).toEqual(["RateLimitError", true]);
      rig.sandbox.control.advance(1_000);
      expect((await refund(no, "G", 1)).state).toBe(RefundState.SUBMITTED);
    });

    it.each([
      ["SYSTEM_ERROR", ProviderUnavailableError, 500, true],
      ["FREQUENCY_LIMITED", RateLimitError, 429, true],
      ["NOT_ENOUGH", InsufficientFundsError, 403, false],
      ["USER_ACCOUNT_ABNORMAL", AccountAbnormalError, 403, false],
      ["RESOURCE_NOT_EXISTS", NotFoundError, 404, false],
    ] as const)(
      "injected %s -> %o, HTTP %i, retryable %s; nothing was refunded",
      async (kind, cls, status, retryable) => {
        const no = await paidOrder();
        rig.sandbox.control.injectFault({ kind: kind as WechatFaultKind, operation: "refund" });
        const e = await caught(refund(no, "F", 100));
        expect(e).toBeInstanceOf(cls);
        expect([e.providerCode, e.httpStatus, e.retryable]).toEqual([kind, status, retryable]);
        expect(rig.sandbox.engine.refundsOf(no)).toHaveLength(0);
      },
    );

    it("SYSTEM_ERROR arrives unsigned, as WeChat sends it, and is still classified", async () => {
      rig.sandbox.control.injectFault({ kind: "SYSTEM_ERROR", operation: "query_order" });
      const e = await caught(rig.provider.queryPayment({ outTradeNo: await paidOrder() }));
      expect([e.name, e.providerCode, e.retryable]).toEqual([
        "ProviderUnavailableError",
        "SYSTEM_ERROR",
        true,
      ]);
    });

    it("a timeout is OutcomeUnknownError (retryable) and nothing was refunded", async () => {
      const no = await paidOrder();
      rig.sandbox.control.injectFault({ kind: "TIMEOUT", operation: "refund" });
      const e = await caught(refund(no, "T", 100));
      expect(e).toBeInstanceOf(OutcomeUnknownError);
      expect(e.retryable).toBe(true);
      expect(rig.sandbox.engine.refundsOf(no)).toHaveLength(0);
    });

    it("a response lost after the refund was recorded is OutcomeUnknownError; the retry returns the one refund", async () => {
      const no = await paidOrder();
      rig.sandbox.control.injectFault({ kind: "RESPONSE_LOST", operation: "refund" });
      const e = await caught(refund(no, "L", 100));
      expect(e).toBeInstanceOf(OutcomeUnknownError);
      expect(e.retryable).toBe(true);
      expect(rig.sandbox.engine.refundsOf(no)).toHaveLength(1);
      const retried = await refund(no, "L", 100);
      expect(retried.outRefundNo).toBe(`${no}L`);
      expect(rig.sandbox.engine.refundsOf(no)).toHaveLength(1);
    });
  },
);
