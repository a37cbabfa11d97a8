import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cny } from "../money/money.js";
import { supportsMethod } from "../provider/capabilities.js";
import type { TradeResult } from "../schemas/payment.js";
import { TradeState } from "../states/trade-state.js";
import { uniqueOutTradeNo } from "./conformance.js";
import type { InPersonBuyer, InPersonConformanceOptions, InPersonHarness } from "./harness.js";

/**
 * In-person payments, run by every provider whose capabilities list "barcode": each buyer
 * behaviour ends in its unified state, never 0, and the simulator's own book agrees on the money:
 * paid at once or after the password is 3 and held; a buyer who never pays is reversed (撤销 /
 * cancel) to 1 and nothing is held; a refusal is 2 and nothing is held.
 */
export function runInPersonConformance({ name, setup }: InPersonConformanceOptions): void {
  describe(`in-person conformance: ${name}`, () => {
    let h: InPersonHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    const run = async (buyer: InPersonBuyer, fen: number): Promise<{ no: string; trade: TradeResult }> => {
      const authCode = h.authCode();
      h.planBuyer(authCode, buyer);
      const no = uniqueOutTradeNo("IP");
      const result = await h.provider.createPayment({
        ...h.paymentTemplate,
        outTradeNo: no,
        amount: cny(fen),
        method: "barcode",
        authCode,
      });
      expect(result.action.type).toBe("in_person");
      if (result.action.type !== "in_person") throw new Error("expected an in-person result");
      expect(result.action.trade.state).not.toBe(TradeState.UNPAID);
      return { no, trade: result.action.trade };
    };

    it("declares barcode and implements reversePayment", () => {
      expect(supportsMethod(h.provider, "barcode")).toBe(true);
      expect(typeof h.provider.reversePayment).toBe("function");
    });

    it("a buyer who pays at once: paid (3), the provider holds the money", async () => {
      const { no, trade } = await run("pays_at_once", 1280);
      expect(trade).toMatchObject({ state: TradeState.PAID, outTradeNo: no, amount: cny(1280) });
      expect(await h.holdsMoney(no)).toBe(true);
    });

    it("a buyer who enters the password, then pays: paid (3) after the query loop", async () => {
      const { no, trade } = await run("pays_after_password", 1390);
      expect(trade.state).toBe(TradeState.PAID);
      expect(await h.holdsMoney(no)).toBe(true);
    });

    it("a buyer who never pays: reversed, closed (1), nothing held", async () => {
      const { no, trade } = await run("never_pays", 1410);
      expect(trade.state).toBe(TradeState.CLOSED);
      expect(await h.holdsMoney(no)).toBe(false);
    });

    it("a buyer refused at once: failed (2), nothing held", async () => {
      const { no, trade } = await run("refused", 1520);
      expect(trade.state).toBe(TradeState.FAILED);
      expect(await h.holdsMoney(no)).toBe(false);
    });

    it("reversePayment of a paid payment refunds it in full: refunded (4), nothing held", async () => {
      const { no } = await run("pays_at_once", 1630);
      const reverse = h.provider.reversePayment?.bind(h.provider);
      if (!reverse) throw new Error("reversePayment missing");
      const reversed = await reverse({ outTradeNo: no });
      expect(reversed.state).toBe(TradeState.REFUND);
      expect(await h.holdsMoney(no)).toBe(false);
    });
  });
}
