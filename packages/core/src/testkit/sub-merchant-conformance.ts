import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentError, SignatureError } from "../errors/errors.js";
import { cny } from "../money/money.js";
import { supportsMode } from "../provider/capabilities.js";
import { TradeState } from "../states/trade-state.js";
import { uniqueOutTradeNo } from "./conformance.js";
import type { SubMerchantConformanceOptions, SubMerchantHarness } from "./harness.js";

/**
 * Sub-merchant routing, run by every provider whose instances declare the "service_provider" mode:
 * two sub-merchants of one service provider never see each other's orders, keep the same order
 * number apart, and refuse each other's notifications. Each case fails if routing leaks.
 */
export function runSubMerchantConformance({ name, setup }: SubMerchantConformanceOptions): void {
  describe(`sub-merchant conformance: ${name}`, () => {
    let h: SubMerchantHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });
    const provider = (which: "a" | "b") => (which === "a" ? h.a : h.b);
    const create = async (which: "a" | "b", outTradeNo: string, fen: number) => {
      await provider(which).createPayment({ ...h.paymentTemplate, outTradeNo, amount: cny(fen) });
      await h.open?.(which, outTradeNo);
    };

    it("both declare the service_provider mode, under distinct merchant ids", () => {
      expect(supportsMode(h.a, "service_provider")).toBe(true);
      expect(supportsMode(h.b, "service_provider")).toBe(true);
      expect(h.a.merchantId).not.toBe(h.b.merchantId);
      expect(h.a.id).toBe(h.b.id);
    });

    it("a sub-merchant's paid order is found by it and by no other sub-merchant", async () => {
      const outTradeNo = uniqueOutTradeNo("SM");
      await create("a", outTradeNo, 1200);
      await h.pay("a", outTradeNo);
      const own = await h.a.queryPayment({ outTradeNo });
      expect(own).toMatchObject({ state: TradeState.PAID, merchantId: h.a.merchantId, amount: cny(1200) });
      await expect(h.b.queryPayment({ outTradeNo })).rejects.toBeInstanceOf(PaymentError);
      await expect(h.b.closePayment({ outTradeNo })).rejects.toBeInstanceOf(PaymentError);
      // A's order is untouched by B's attempts.
      expect((await h.a.queryPayment({ outTradeNo })).state).toBe(TradeState.PAID);
    });

    it("the same order number at two sub-merchants is two orders", async () => {
      const outTradeNo = uniqueOutTradeNo("SS");
      await create("a", outTradeNo, 1300);
      await create("b", outTradeNo, 2600);
      await h.pay("b", outTradeNo);
      const atA = await h.a.queryPayment({ outTradeNo });
      const atB = await h.b.queryPayment({ outTradeNo });
      expect(atA.state).not.toBe(TradeState.PAID);
      expect(atA.amount).toEqual(cny(1300));
      expect(atB).toMatchObject({ state: TradeState.PAID, amount: cny(2600) });
    });

    it("a genuine notification for one sub-merchant is refused on the other's route", async () => {
      const outTradeNo = uniqueOutTradeNo("SN");
      await create("a", outTradeNo, 1400);
      await h.pay("a", outTradeNo);
      const raw = await h.tradeNotification("a", outTradeNo);
      const event = await h.a.parseNotification(raw);
      expect(event).toMatchObject({ kind: "trade", merchantId: h.a.merchantId });
      await expect(h.b.parseNotification(raw)).rejects.toBeInstanceOf(SignatureError);
    });
  });
}
