import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, PaymentError, SignatureError, ValidationError } from "../errors/errors.js";
import { cny } from "../money/money.js";
import { RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import type { ConformanceHarness, ConformanceOptions } from "./harness.js";

let sequence = 0;
/** Order numbers unique across runs and processes, within WeChat's 6-32 character rule. */
export function uniqueOutTradeNo(prefix = "CT"): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${sequence}`.slice(0, 32);
}

/**
 * The behaviour every PaymentProvider must show, run by each provider package against its own
 * simulator. A new provider is proven by passing this suite.
 */
export function runProviderConformance({ name, setup }: ConformanceOptions): void {
  describe(`provider conformance: ${name}`, () => {
    let h: ConformanceHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    const create = async (fen = 1000) => {
      const outTradeNo = uniqueOutTradeNo();
      const result = await h.provider.createPayment({ ...h.paymentTemplate, outTradeNo, amount: cny(fen) });
      await h.open?.(outTradeNo);
      return { outTradeNo, result };
    };
    const paid = async (fen = 1000) => {
      const order = await create(fen);
      await h.pay(order.outTradeNo);
      return order;
    };

    it("declares a provider id, a merchant and refund rules", () => {
      expect(h.provider.id).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(h.provider.merchantId.length).toBeGreaterThan(0);
      expect(h.provider.capabilities.methods.length).toBeGreaterThan(0);
      expect(h.provider.refundRules.windowDays).toBeGreaterThan(0);
    });

    it("rejects bad input with a ValidationError naming the field, before any network call", async () => {
      const before = await h.requestCount();
      const bad = {
        ...h.paymentTemplate,
        outTradeNo: uniqueOutTradeNo(),
        amount: { fen: 1.5, currency: "CNY" },
      };
      await expect(h.provider.createPayment(bad as never)).rejects.toThrow(/amount\.fen/);
      await expect(
        h.provider.refund({
          outTradeNo: uniqueOutTradeNo(),
          outRefundNo: "bad refund no!",
          amount: cny(1),
          total: cny(1),
        }),
      ).rejects.toBeInstanceOf(ValidationError);
      // A space is outside every provider's order-number rule.
      await expect(h.provider.queryPayment({ outTradeNo: "bad order no" })).rejects.toThrow(/outTradeNo/);
      expect(await h.requestCount()).toBe(before);
    });

    it("creates a payment the buyer can act on, unpaid (0) until paid, then paid (3)", async () => {
      const { outTradeNo, result } = await create(1234);
      expect(result.outTradeNo).toBe(outTradeNo);
      expect(result.provider).toBe(h.provider.id);
      expect(["qr_code", "redirect", "client_params", "order_string", "html_form"]).toContain(
        result.action.type,
      );
      const before = await h.provider.queryPayment({ outTradeNo });
      expect(before.state).toBe(TradeState.UNPAID);
      expect(before.rawStatus.length).toBeGreaterThan(0);
      await h.pay(outTradeNo);
      const after = await h.provider.queryPayment({ outTradeNo });
      expect(after.state).toBe(TradeState.PAID);
      expect(after.amount).toEqual(cny(1234));
      expect(after.providerTradeNo).toBeTruthy();
    });

    it("closes an unpaid payment (1)", async () => {
      const { outTradeNo } = await create();
      await h.provider.closePayment({ outTradeNo });
      expect((await h.provider.queryPayment({ outTradeNo })).state).toBe(TradeState.CLOSED);
    });

    it("reports an unknown order as NotFoundError", async () => {
      await expect(h.provider.queryPayment({ outTradeNo: uniqueOutTradeNo("NX") })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it("refunds partially, idempotently by refund number, and the trade moves to refund (4)", async () => {
      const { outTradeNo } = await paid(1000);
      const request = { outTradeNo, outRefundNo: `${outTradeNo}R1`, amount: cny(300), total: cny(1000) };
      const first = await h.provider.refund(request);
      expect([RefundState.SUBMITTED, RefundState.SUCCESS]).toContain(first.state);
      expect(first.amount).toEqual(cny(300));
      // The same refund number again is the same refund, never a second one.
      const again = await h.provider.refund(request);
      expect(again.outRefundNo).toBe(first.outRefundNo);
      await h.advanceClock(2 * 60_000);
      const queried = await h.provider.queryRefund({ outTradeNo, outRefundNo: request.outRefundNo });
      expect(queried.state).toBe(RefundState.SUCCESS);
      expect(queried.amount).toEqual(cny(300));
      expect((await h.provider.queryPayment({ outTradeNo })).state).toBe(TradeState.REFUND);
      if (h.provider.capabilities.listRefunds) {
        const all = await h.provider.listRefunds({ outTradeNo });
        expect(all.map((r) => r.outRefundNo)).toEqual([request.outRefundNo]);
      }
    });

    it("refuses a refund past what was paid, with a final error", async () => {
      const { outTradeNo } = await paid(500);
      await h.provider.refund({
        outTradeNo,
        outRefundNo: `${outTradeNo}A`,
        amount: cny(400),
        total: cny(500),
      });
      await h.advanceClock(2 * 60_000);
      const over = h.provider.refund({
        outTradeNo,
        outRefundNo: `${outTradeNo}B`,
        amount: cny(101),
        total: cny(500),
      });
      await expect(over).rejects.toBeInstanceOf(PaymentError);
      await expect(over).rejects.toMatchObject({ retryable: false });
    });

    it("verifies and maps the paid notification, and rejects a tampered one", async () => {
      const { outTradeNo } = await paid(800);
      const raw = await h.nextNotification(outTradeNo, "trade");
      const event = await h.provider.parseNotification(raw);
      expect(event.kind).toBe("trade");
      if (event.kind === "trade") {
        expect(event.trade.outTradeNo).toBe(outTradeNo);
        expect(event.trade.state).toBe(TradeState.PAID);
        expect(event.trade.amount).toEqual(cny(800));
      }
      expect(event.id.length).toBeGreaterThan(0);
      const tampered = { ...raw, body: raw.body.replace(/8/g, "9") };
      await expect(h.provider.parseNotification(tampered)).rejects.toBeInstanceOf(SignatureError);
    });

    it("answers notifications the way the provider expects", () => {
      const ok = h.provider.acknowledge(true);
      const fail = h.provider.acknowledge(false);
      expect(ok.status).toBeGreaterThanOrEqual(200);
      expect(ok.body).not.toBe(fail.body);
    });
  });
}
