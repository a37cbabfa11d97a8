import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AmountMismatchError,
  MerchantMismatchError,
  NotFoundError,
  TradeStateError,
} from "../errors/errors.js";
import type { NewPayment, PaymentLedger, TradeReport } from "../payments/payment-ledger.js";
import { TradeState } from "../states/trade-state.js";

export interface PaymentLedgerContractOptions {
  readonly name: string;
  /** A fresh, empty ledger; `close` drops whatever it holds. */
  readonly setup: () => Promise<{ ledger: PaymentLedger; close: () => Promise<void> }>;
}

const T0 = new Date("2026-03-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const PAID: TradeReport = { state: TradeState.PAID, rawStatus: "SUCCESS", source: "notification" };
let seq = 0;

/**
 * What every PaymentLedger must do, run by core against MemoryPaymentLedger and by
 * @paybridge/postgres against PostgreSQL and PGlite. The concurrency case is a real race.
 */
export function runPaymentLedgerContract({ name, setup }: PaymentLedgerContractOptions): void {
  describe(`payment ledger contract: ${name}`, () => {
    let ledger: PaymentLedger;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ ledger, close } = await setup());
    });
    afterAll(async () => {
      await close?.();
    });

    const input = (extra: Partial<NewPayment> = {}): NewPayment => {
      seq += 1;
      return {
        outTradeNo: `PC${process.pid}${Date.now().toString(36)}${seq}`,
        provider: "wechatpay",
        merchantId: "m1",
        method: "native",
        currency: "CNY",
        amountFen: 1999,
        ...extra,
      };
    };

    it("records a payment unpaid, and a repeat with the same amount returns it", async () => {
      const p = input({ expiresAt: at(3_600_000) });
      const first = await ledger.recordPayment(p, T0);
      expect(first.created).toBe(true);
      expect(first.payment).toMatchObject({
        state: 0,
        amountFen: 1999,
        method: "native",
        rawStatus: undefined,
      });
      expect(first.payment.expiresAt?.toISOString()).toBe(at(3_600_000).toISOString());
      const again = await ledger.recordPayment(p, at(1000));
      expect(again.created).toBe(false);
      expect(again.payment.createdAt.toISOString()).toBe(T0.toISOString());
    });

    it("refuses the same order number for another amount or merchant", async () => {
      const p = input();
      await ledger.recordPayment(p, T0);
      await expect(ledger.recordPayment({ ...p, amountFen: 1 }, T0)).rejects.toThrow(AmountMismatchError);
      await expect(ledger.recordPayment({ ...p, merchantId: "m2" }, T0)).rejects.toThrow(
        MerchantMismatchError,
      );
      await expect(ledger.recordPayment({ ...p, merchantId: "m2" }, T0)).rejects.toMatchObject({
        code: "MERCHANT_MISMATCH",
        actual: "m2",
      });
    });

    it("moves forward only and keeps the raw status", async () => {
      const p = input();
      await ledger.recordPayment(p, T0);
      const paid = await ledger.applyReport(
        p.outTradeNo,
        { ...PAID, providerTradeNo: "4200001", paidFen: 1899, paidAt: at(5) },
        at(10),
      );
      expect(paid.changed).toBe(true);
      expect(paid.payment).toMatchObject({
        state: 3,
        rawStatus: "SUCCESS",
        providerTradeNo: "4200001",
        paidFen: 1899,
      });
      const stale = await ledger.applyReport(
        p.outTradeNo,
        { state: 0, rawStatus: "NOTPAY", source: "query" },
        at(20),
      );
      expect(stale.changed).toBe(false);
      expect((await ledger.getPayment(p.outTradeNo))?.state).toBe(3);
      const refund = await ledger.applyReport(
        p.outTradeNo,
        { state: 4, rawStatus: "REFUND", source: "query" },
        at(30),
      );
      expect(refund.payment.state).toBe(4);
      await expect(ledger.recordPayment(p, at(40))).rejects.toThrow(TradeStateError);
    });

    it("records a payment that succeeds after the order was closed, flagged", async () => {
      const p = input();
      await ledger.recordPayment(p, T0);
      await ledger.applyReport(p.outTradeNo, { state: 1, rawStatus: "CLOSED", source: "close" }, at(10));
      const late = await ledger.applyReport(p.outTradeNo, PAID, at(20));
      expect(late).toMatchObject({ changed: true, paidAfterClose: true });
      expect(late.payment.state).toBe(3);
      expect(late.payment.paidAfterCloseAt?.toISOString()).toBe(at(20).toISOString());
    });

    it("lets exactly one of eight concurrent equal reports change the payment", async () => {
      const p = input();
      await ledger.recordPayment(p, T0);
      const changes = await Promise.all(
        Array.from({ length: 8 }, () => ledger.applyReport(p.outTradeNo, PAID, at(10))),
      );
      expect(changes.filter((c) => c.changed)).toHaveLength(1);
    });

    it("discards only a payment the provider never reported on", async () => {
      const unsent = input();
      await ledger.recordPayment(unsent, T0);
      expect(await ledger.discardUnsent(unsent.outTradeNo)).toBe(true);
      expect(await ledger.getPayment(unsent.outTradeNo)).toBeUndefined();
      const reported = input();
      await ledger.recordPayment(reported, T0);
      await ledger.applyReport(reported.outTradeNo, PAID, at(1));
      expect(await ledger.discardUnsent(reported.outTradeNo)).toBe(false);
      expect((await ledger.getPayment(reported.outTradeNo))?.state).toBe(3);
    });

    it("throws NotFoundError for a report about an unknown order", async () => {
      await expect(ledger.applyReport("NO-SUCH-ORDER", PAID, T0)).rejects.toThrow(NotFoundError);
    });

    it("lists a merchant's payments over a time range, and unpaid ones by age and expiry", async () => {
      const merchantId = `lm${seq}`;
      const a = input({ merchantId, expiresAt: at(1000) });
      const b = input({ merchantId });
      const c = input({ merchantId: `${merchantId}x` });
      await ledger.recordPayment(a, at(100));
      await ledger.recordPayment(b, at(200));
      await ledger.recordPayment(c, at(150));
      const listed = await ledger.listPayments({ merchantId, from: at(100), to: at(200) });
      expect(listed.map((x) => x.outTradeNo)).toEqual([a.outTradeNo]);
      const both = await ledger.listPayments({ merchantId, from: at(0), to: at(201) });
      expect(both.map((x) => x.outTradeNo)).toEqual([a.outTradeNo, b.outTradeNo]);
      const expired = (await ledger.listUnpaid({ expiresBefore: at(1001), limit: 1000 })).map(
        (x) => x.outTradeNo,
      );
      expect(expired).toContain(a.outTradeNo);
      expect(expired).not.toContain(b.outTradeNo);
      const old = (await ledger.listUnpaid({ createdBefore: at(150), limit: 1000 })).map((x) => x.outTradeNo);
      expect(old).toContain(a.outTradeNo);
      expect(old).not.toContain(b.outTradeNo);
      await ledger.applyReport(a.outTradeNo, PAID, at(300));
      const after = (await ledger.listUnpaid({ createdBefore: at(150), limit: 1000 })).map(
        (x) => x.outTradeNo,
      );
      expect(after).not.toContain(a.outTradeNo);
      const windowed = (
        await ledger.listUnpaid({ createdAfter: at(150), createdBefore: at(201), limit: 1000 })
      ).map((x) => x.outTradeNo);
      expect(windowed).toContain(b.outTradeNo);
      expect(windowed).toContain(c.outTradeNo);
      expect(windowed).not.toContain(a.outTradeNo);
    });

    it("lists late payments (paid after PayBridge closed them) until they move to 4", async () => {
      const late = input();
      const onTime = input();
      await ledger.recordPayment(late, at(0));
      await ledger.recordPayment(onTime, at(0));
      await ledger.applyReport(late.outTradeNo, { state: 1, rawStatus: "CLOSED", source: "close" }, at(10));
      await ledger.applyReport(late.outTradeNo, PAID, at(20));
      await ledger.applyReport(onTime.outTradeNo, PAID, at(20));
      const listed = (await ledger.listPaidAfterClose(10_000)).map((x) => x.outTradeNo);
      expect(listed).toContain(late.outTradeNo);
      expect(listed).not.toContain(onTime.outTradeNo);
      await ledger.applyReport(late.outTradeNo, { state: 4, rawStatus: "REFUND", source: "refund" }, at(30));
      expect((await ledger.listPaidAfterClose(10_000)).map((x) => x.outTradeNo)).not.toContain(
        late.outTradeNo,
      );
    });
  });
}
