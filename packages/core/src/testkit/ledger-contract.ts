import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  RefundRuleError,
  ValidationError,
} from "../errors/errors.js";
import type { NewLedgerOrder, RefundLedger, ReserveRefundInput } from "../refunds/ledger.js";
import type { RefundPolicy } from "../refunds/policy.js";
import { RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";

export interface LedgerContractOptions {
  readonly name: string;
  /** A fresh, empty ledger; `close` drops whatever it holds. */
  readonly setup: () => Promise<{ ledger: RefundLedger; close: () => Promise<void> }>;
}

const T0 = new Date("2025-03-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const NO_INTERVAL: RefundPolicy = { windowDays: 365, maxRefundsPerOrder: 50, minIntervalMs: 0 };
let orderSeq = 0;

/**
 * What every RefundLedger must do, run by core against MemoryRefundLedger and by
 * @paybridge/postgres against PostgreSQL and PGlite. The concurrency cases are real races on
 * a shared store, not sequential calls.
 */
export function runRefundLedgerContract({ name, setup }: LedgerContractOptions): void {
  describe(`refund ledger contract: ${name}`, () => {
    let ledger: RefundLedger;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ ledger, close } = await setup());
    });
    afterAll(async () => {
      await close?.();
    });

    const order = async (paidFen = 1000, extra: Partial<NewLedgerOrder> = {}) => {
      orderSeq += 1;
      return ledger.saveOrder({
        outTradeNo: `LC${process.pid}${Date.now().toString(36)}${orderSeq}`,
        provider: "wechatpay",
        merchantId: "m1",
        currency: "CNY",
        totalFen: paidFen,
        paidFen,
        paidAt: T0,
        tradeState: TradeState.PAID,
        ...extra,
      });
    };
    const input = (outTradeNo: string, n: number | string, amountFen: number): ReserveRefundInput => ({
      outTradeNo,
      outRefundNo: `${outTradeNo}R${n}`,
      amountFen,
      currency: "CNY",
      initialState: RefundState.CONFIRMED,
    });

    it("stores and reads orders", async () => {
      const o = await order(1234, { providerTradeNo: "42000000001" });
      expect(await ledger.getOrder(o.outTradeNo)).toEqual(o);
      expect(o.paidAt).toEqual(T0);
      expect(o.providerTradeNo).toBe("42000000001");
      expect(await ledger.getOrder("NOPE000000")).toBeUndefined();
    });

    it("keeps a known order's refund cap: a smaller total recorded again is a ConflictError, the cap stays", async () => {
      const o = await order(1000);
      await ledger.reserveRefund(input(o.outTradeNo, 1, 600), NO_INTERVAL, at(0));
      const error = await ledger.saveOrder({ ...o, totalFen: 500, paidFen: 500 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ field: "totalFen" });
      expect(await ledger.getOrder(o.outTradeNo)).toEqual(o);
      // The cap is still the recorded 1000: 400 more fit, 401 would not.
      await expect(
        ledger.reserveRefund(input(o.outTradeNo, 2, 401), NO_INTERVAL, at(1)),
      ).rejects.toMatchObject({ rule: "sum" });
      expect((await ledger.reserveRefund(input(o.outTradeNo, 3, 400), NO_INTERVAL, at(2))).created).toBe(
        true,
      );
    });

    it("decides a reserve's policy from the order it locked, and hands that order back; what the policy throws stores nothing", async () => {
      const o = await order(1000);
      const seen: string[] = [];
      const made = await ledger.reserveRefund(
        input(o.outTradeNo, 1, 300),
        (locked) => {
          seen.push(locked.outTradeNo);
          return { ...NO_INTERVAL, maxRefundsPerOrder: locked.merchantId === "m1" ? 1 : 50 };
        },
        at(0),
      );
      expect(made.created).toBe(true);
      expect(made.order).toEqual(o);
      expect(seen).toEqual([o.outTradeNo]);
      // The same policy function, now with one refund stored: its count cap of 1 binds.
      await expect(
        ledger.reserveRefund(
          input(o.outTradeNo, 2, 300),
          () => ({ ...NO_INTERVAL, maxRefundsPerOrder: 1 }),
          at(1),
        ),
      ).rejects.toMatchObject({ rule: "count" });
      const refused = new ValidationError("refund.reason", "refused by the provider's field rules");
      await expect(
        ledger.reserveRefund(
          input(o.outTradeNo, 3, 300),
          () => {
            throw refused;
          },
          at(2),
        ),
      ).rejects.toBe(refused);
      expect((await ledger.listRefunds(o.outTradeNo)).map((r) => r.outRefundNo)).toEqual([
        `${o.outTradeNo}R1`,
      ]);
      const again = await ledger.reserveRefund(input(o.outTradeNo, 1, 300), NO_INTERVAL, at(3));
      expect(again.created).toBe(false);
      expect(again.order).toEqual(o);
    });

    it("refuses to change a known order's total, merchant, provider or provider trade number (ConflictError naming it)", async () => {
      const o = await order(1000, { providerTradeNo: "4200000000001" });
      const changes: [Partial<NewLedgerOrder>, string][] = [
        [{ totalFen: 2000, paidFen: 2000 }, "totalFen"],
        [{ merchantId: "m2" }, "merchantId"],
        [{ provider: "alipay" }, "provider"],
        [{ providerTradeNo: "4200000000002" }, "providerTradeNo"],
      ];
      for (const [change, field] of changes) {
        const error = await ledger.saveOrder({ ...o, ...change }).catch((e: unknown) => e);
        expect(error, field).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).field).toBe(field);
        expect((error as ConflictError).message).toContain(o.outTradeNo);
      }
      expect(await ledger.getOrder(o.outTradeNo)).toEqual(o);
    });

    it("records the same order again idempotently; paid only grows up to the total, the earliest payment date stays", async () => {
      const o = await order(1000, { paidFen: 800 });
      expect(await ledger.saveOrder(o)).toEqual(o);
      expect(await ledger.saveOrder({ ...o, providerTradeNo: undefined })).toEqual(o);
      // A smaller paid amount is a stale report: the cap does not shrink.
      expect(await ledger.saveOrder({ ...o, paidFen: 600 })).toEqual(o);
      const grown = await ledger.saveOrder({ ...o, paidFen: 1000, paidAt: at(60_000) });
      expect(grown).toEqual({ ...o, paidFen: 1000 });
      const earlier = await ledger.saveOrder({ ...o, paidAt: at(-60_000) });
      expect(earlier).toEqual({ ...o, paidFen: 1000, paidAt: at(-60_000) });
      expect(await ledger.getOrder(o.outTradeNo)).toEqual(earlier);
      // The provider's trade number, missing at first, is set once.
      const named = await ledger.saveOrder({ ...o, providerTradeNo: "4200000000009" });
      expect(named.providerTradeNo).toBe("4200000000009");
      await expect(ledger.saveOrder({ ...o, paidFen: 1001 })).rejects.toMatchObject({
        name: "ValidationError",
        field: "order.paidFen",
      });
    });

    it("validates an order before storing it, naming the field and the rule", async () => {
      const good: NewLedgerOrder = {
        outTradeNo: `LV${process.pid}${Date.now().toString(36)}`,
        provider: "wechatpay",
        merchantId: "m1",
        currency: "CNY",
        totalFen: 1000,
        paidFen: 1000,
        paidAt: T0,
        tradeState: TradeState.PAID,
      };
      const bad: [Record<string, unknown>, string, string][] = [
        [{ outTradeNo: "" }, "order.outTradeNo", "1-64 characters"],
        [{ outTradeNo: "ORDER 000001" }, "order.outTradeNo", "digits, letters"],
        [{ outTradeNo: "O".repeat(65) }, "order.outTradeNo", "1-64 characters"],
        [{ totalFen: 0, paidFen: 0 }, "order.totalFen", "at least 1 fen"],
        [{ totalFen: 10.5 }, "order.totalFen", "not a fraction"],
        [{ paidFen: -1 }, "order.paidFen", "negative"],
        [{ paidFen: 1001 }, "order.paidFen", "at most totalFen"],
        [{ currency: "USD" }, "order.currency", "one of CNY"],
        [{ merchantId: "" }, "order.merchantId", "empty"],
        [{ provider: "WeChat Pay" }, "order.provider", "lowercase provider id"],
        [{ paidAt: new Date(Number.NaN) }, "order.paidAt", "valid Date"],
        [{ paidAt: new Date(1_700_000_000) }, "order.paidAt", "2000-01-01"],
        [{ tradeState: 7 }, "order.tradeState", "trade state 0-4"],
        [{ providerTradeNo: "" }, "order.providerTradeNo", "empty"],
      ];
      for (const [change, field, rule] of bad) {
        const error = await ledger
          .saveOrder({ ...good, ...change } as NewLedgerOrder)
          .catch((e: unknown) => e);
        expect(error, field).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field, JSON.stringify(change)).toBe(field);
        expect((error as ValidationError).message).toContain(rule);
      }
      expect(await ledger.getOrder(good.outTradeNo)).toBeUndefined();
    });

    it("lets exactly one of concurrent first recordings with different totals win; the rest are ConflictErrors", async () => {
      orderSeq += 1;
      const outTradeNo = `LR${process.pid}${Date.now().toString(36)}${orderSeq}`;
      const base: NewLedgerOrder = {
        outTradeNo,
        provider: "wechatpay",
        merchantId: "m1",
        currency: "CNY",
        totalFen: 0,
        paidFen: 0,
        paidAt: T0,
        tradeState: TradeState.PAID,
      };
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          ledger.saveOrder({ ...base, totalFen: 100 * (i + 1), paidFen: 100 * (i + 1) }),
        ),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results)
        if (r.status === "rejected")
          expect(r.reason).toMatchObject({ name: "ConflictError", field: "totalFen" });
      const stored = await ledger.getOrder(outTradeNo);
      expect(stored).toEqual((won[0] as PromiseFulfilledResult<unknown>).value);
    });

    it("reserves a refund, and a repeat with the same number and amount returns it unchanged", async () => {
      const o = await order();
      const first = await ledger.reserveRefund(input(o.outTradeNo, 1, 300), NO_INTERVAL, at(1000));
      expect(first.created).toBe(true);
      expect(first.refund).toMatchObject({
        outRefundNo: `${o.outTradeNo}R1`,
        amountFen: 300,
        state: 1,
        attempts: 0,
        merchantId: "m1",
        provider: "wechatpay",
        submittedAt: undefined,
      });
      expect(first.refund.createdAt).toEqual(at(1000));
      const again = await ledger.reserveRefund(input(o.outTradeNo, 1, 300), NO_INTERVAL, at(2000));
      expect(again.created).toBe(false);
      expect(again.refund).toEqual(first.refund);
      expect(await ledger.getRefund(`${o.outTradeNo}R1`)).toEqual(first.refund);
    });

    it("refuses a refund number reused with another amount or another order", async () => {
      const o = await order();
      const other = await order();
      await ledger.reserveRefund(input(o.outTradeNo, 1, 300), NO_INTERVAL, at(0));
      await expect(
        ledger.reserveRefund(input(o.outTradeNo, 1, 301), NO_INTERVAL, at(0)),
      ).rejects.toMatchObject({
        rule: "duplicate",
      });
      await expect(
        ledger.reserveRefund(
          { ...input(other.outTradeNo, 1, 300), outRefundNo: `${o.outTradeNo}R1` },
          NO_INTERVAL,
          at(0),
        ),
      ).rejects.toMatchObject({ rule: "duplicate" });
    });

    it("refuses an unknown order with NotFoundError", async () => {
      await expect(
        ledger.reserveRefund(input("UNKNOWN00001", 1, 1), NO_INTERVAL, at(0)),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("counts pending, in-flight, succeeded and abnormal refunds in the sum; a closed one releases its amount", async () => {
      const o = await order(1000);
      const states = [0, 1, 2, 3, 4, 5] as const;
      for (const [i, s] of states.entries()) {
        await ledger.reserveRefund(
          { ...input(o.outTradeNo, i, 150), initialState: s === 0 ? 0 : 1 },
          NO_INTERVAL,
          at(i),
        );
        if (s >= 2) {
          await ledger.beginAttempt(`${o.outTradeNo}R${i}`, 0, at(i));
          await ledger.updateRefund(`${o.outTradeNo}R${i}`, { mode: "merge", state: s }, at(i));
        }
      }
      // 6 x 150 = 900 held; 101 more is over the 1000 paid.
      await expect(
        ledger.reserveRefund(input(o.outTradeNo, "X", 101), NO_INTERVAL, at(10)),
      ).rejects.toMatchObject({
        rule: "sum",
      });
      await ledger.updateRefund(
        `${o.outTradeNo}R0`,
        { mode: "transition", state: 6, close: { kind: "merchant_reject" } },
        at(11),
      );
      const ok = await ledger.reserveRefund(input(o.outTradeNo, "X", 250), NO_INTERVAL, at(12));
      expect(ok.created).toBe(true);
      await expect(
        ledger.reserveRefund(input(o.outTradeNo, "Y", 1), NO_INTERVAL, at(13)),
      ).rejects.toBeInstanceOf(RefundRuleError);
    });

    it("enforces the refund count, not counting refunds withdrawn before submission", async () => {
      const o = await order(1000);
      const policy = { ...NO_INTERVAL, maxRefundsPerOrder: 3 };
      for (const n of [1, 2, 3])
        await ledger.reserveRefund({ ...input(o.outTradeNo, n, 1), initialState: 0 }, policy, at(n));
      await expect(ledger.reserveRefund(input(o.outTradeNo, 4, 1), policy, at(4))).rejects.toMatchObject({
        rule: "count",
      });
      await ledger.updateRefund(
        `${o.outTradeNo}R1`,
        { mode: "transition", state: 6, close: { kind: "merchant_reject" } },
        at(5),
      );
      expect((await ledger.reserveRefund(input(o.outTradeNo, 4, 1), policy, at(6))).created).toBe(true);
    });

    it("enforces the refund window and the trade state", async () => {
      const o = await order(1000);
      const policy = { ...NO_INTERVAL, windowDays: 10 };
      expect(
        (await ledger.reserveRefund(input(o.outTradeNo, 1, 1), policy, at(10 * 86_400_000))).created,
      ).toBe(true);
      await expect(
        ledger.reserveRefund(input(o.outTradeNo, 2, 1), policy, at(10 * 86_400_000 + 1)),
      ).rejects.toMatchObject({
        rule: "window",
      });
      const unpaid = await order(1000, { tradeState: TradeState.CLOSED });
      await expect(ledger.reserveRefund(input(unpaid.outTradeNo, 1, 1), policy, at(0))).rejects.toMatchObject(
        {
          rule: "state",
        },
      );
    });

    it("enforces the interval between refunds of one order, at reserve and at submission", async () => {
      const o = await order(1000);
      const policy = { ...NO_INTERVAL, minIntervalMs: 60_000 };
      await ledger.reserveRefund({ ...input(o.outTradeNo, 1, 1), initialState: 0 }, policy, at(0));
      await expect(ledger.reserveRefund(input(o.outTradeNo, 2, 1), policy, at(59_999))).rejects.toMatchObject(
        {
          rule: "interval",
          retryable: true,
        },
      );
      await ledger.reserveRefund({ ...input(o.outTradeNo, 2, 1), initialState: 0 }, policy, at(60_000));
      for (const n of [1, 2]) {
        await ledger.updateRefund(`${o.outTradeNo}R${n}`, { mode: "transition", state: 1 }, at(70_000));
      }
      const first = await ledger.beginAttempt(`${o.outTradeNo}R2`, 60_000, at(70_000));
      expect(first).toMatchObject({ ok: true, refund: { attempts: 1, submittedAt: at(70_000) } });
      const blocked = await ledger.beginAttempt(`${o.outTradeNo}R1`, 60_000, at(80_000));
      expect(blocked).toMatchObject({ ok: false, waitMs: 50_000 });
      // The same refund number again is a resubmission, not a new refund: it never waits.
      const again = await ledger.beginAttempt(`${o.outTradeNo}R2`, 60_000, at(80_000));
      expect(again).toMatchObject({ ok: true, refund: { attempts: 2, submittedAt: at(80_000) } });
      // The interval runs from the last attempt, the one the provider may have accepted.
      expect(await ledger.beginAttempt(`${o.outTradeNo}R1`, 60_000, at(130_000))).toMatchObject({
        ok: false,
        waitMs: 10_000,
      });
      expect(await ledger.beginAttempt(`${o.outTradeNo}R1`, 60_000, at(140_000))).toMatchObject({ ok: true });
    });

    it("counts a new refund's first attempt in the reserve when asked (markFirstAttempt), never a repeat's", async () => {
      const o = await order(1000);
      const marked = { ...input(o.outTradeNo, 1, 300), markFirstAttempt: true };
      const first = await ledger.reserveRefund(marked, NO_INTERVAL, at(5));
      expect(first).toMatchObject({
        created: true,
        attemptBegun: true,
        refund: { state: 1, attempts: 1, submittedAt: at(5), createdAt: at(5) },
      });
      expect(await ledger.getRefund(marked.outRefundNo)).toEqual(first.refund);
      // A repeat returns the stored refund and counts nothing more.
      const repeat = await ledger.reserveRefund(marked, NO_INTERVAL, at(6));
      expect(repeat.created).toBe(false);
      expect(repeat.attemptBegun ?? false).toBe(false);
      expect(repeat.refund).toEqual(first.refund);
      // A refund waiting for approval is never counted as sent.
      const pending = await ledger.reserveRefund(
        { ...input(o.outTradeNo, 2, 300), initialState: 0, markFirstAttempt: true },
        NO_INTERVAL,
        at(7),
      );
      expect(pending.attemptBegun ?? false).toBe(false);
      expect(pending.refund).toMatchObject({ state: 0, attempts: 0, submittedAt: undefined });
      // The counted attempt starts the order's interval like a beginAttempt would.
      const policy = { ...NO_INTERVAL, minIntervalMs: 60_000 };
      const o2 = await order(1000);
      await ledger.reserveRefund({ ...input(o2.outTradeNo, 1, 1), markFirstAttempt: true }, policy, at(0));
      await expect(
        ledger.reserveRefund(input(o2.outTradeNo, 2, 1), policy, at(59_999)),
      ).rejects.toMatchObject({
        rule: "interval",
      });
    });

    it("applies an update to the stored refund whatever basis the caller holds", async () => {
      const o = await order(1000);
      const no = `${o.outTradeNo}R1`;
      const stale = (await ledger.reserveRefund(input(o.outTradeNo, 1, 600), NO_INTERVAL, at(0))).refund;
      const sent = await ledger.beginAttempt(no, 0, at(1));
      // On the stale copy (never sent) a withdrawal would pass; the stored refund was sent: refused.
      await expect(
        ledger.updateRefund(
          no,
          { mode: "transition", state: 6, close: { kind: "merchant_reject" }, basis: stale },
          at(2),
        ),
      ).rejects.toBeInstanceOf(InvalidTransitionError);
      // A stale basis never rolls back what was stored after it (the attempt count, submittedAt).
      const failed = await ledger.updateRefund(
        no,
        { mode: "merge", state: 2, lastError: "refund: timeout", outcomeUnknown: true, basis: stale },
        at(3),
      );
      expect(failed).toMatchObject({ state: 2, attempts: 1, submittedAt: at(1), outcomeUnknown: true });
      // The current basis gives what no basis gives: the answer recorded, the trade moved to 4.
      const accepted = await ledger.updateRefund(
        no,
        {
          mode: "merge",
          state: 3,
          rawStatus: "PROCESSING",
          lastError: null,
          outcomeUnknown: false,
          basis: failed,
        },
        at(4),
      );
      expect(accepted).toMatchObject({
        state: 3,
        attempts: 1,
        rawStatus: "PROCESSING",
        outcomeUnknown: false,
      });
      expect(accepted.lastError).toBeUndefined();
      expect(await ledger.getRefund(no)).toEqual(accepted);
      expect((await ledger.getOrder(o.outTradeNo))?.tradeState).toBe(TradeState.REFUND);
      expect(sent.ok).toBe(true);
    });

    it("loses no update when several race on one basis (each applies to the refund the other left)", async () => {
      const o = await order(1000);
      const no = `${o.outTradeNo}R1`;
      await ledger.reserveRefund(
        { ...input(o.outTradeNo, 1, 600), markFirstAttempt: true },
        NO_INTERVAL,
        at(0),
      );
      const basis = await ledger.getRefund(no);
      const updates = [
        { mode: "merge", state: 3, rawStatus: "PROCESSING", providerRefundId: "5030009" },
        { mode: "merge", state: 4, rawStatus: "SUCCESS", successAt: at(9) },
        { mode: "merge", recoveryFailures: 3 },
      ] as const;
      await Promise.all(updates.map((u) => ledger.updateRefund(no, { ...u, basis }, at(10))));
      // Forward merges commute: whatever the order, the refund ends a success with the provider's id.
      expect(await ledger.getRefund(no)).toMatchObject({
        state: 4,
        rawStatus: "SUCCESS",
        providerRefundId: "5030009",
        recoveryFailures: 0,
      });
      expect((await ledger.getOrder(o.outTradeNo))?.tradeState).toBe(TradeState.REFUND);
    });

    it("merges provider reports forward only, checks merchant moves, and moves the trade to 4", async () => {
      const o = await order(1000);
      const no = `${o.outTradeNo}R1`;
      await ledger.reserveRefund({ ...input(o.outTradeNo, 1, 10), initialState: 0 }, NO_INTERVAL, at(0));
      await expect(ledger.beginAttempt(no, 0, at(1))).rejects.toMatchObject({ rule: "state" });
      await expect(ledger.updateRefund(no, { mode: "transition", state: 3 }, at(1))).rejects.toBeInstanceOf(
        InvalidTransitionError,
      );
      await ledger.updateRefund(no, { mode: "transition", state: 1, expectStates: [0] }, at(2));
      await expect(
        ledger.updateRefund(no, { mode: "transition", state: 1, expectStates: [0] }, at(2)),
      ).rejects.toMatchObject({ rule: "state" });
      await ledger.beginAttempt(no, 0, at(3));
      const submitted = await ledger.updateRefund(
        no,
        { mode: "merge", state: 3, rawStatus: "PROCESSING", providerRefundId: "5030001" },
        at(4),
      );
      expect(submitted).toMatchObject({ state: 3, rawStatus: "PROCESSING", providerRefundId: "5030001" });
      expect((await ledger.getOrder(o.outTradeNo))?.tradeState).toBe(TradeState.REFUND);
      const success = await ledger.updateRefund(
        no,
        { mode: "merge", state: 4, rawStatus: "SUCCESS", lastError: null },
        at(5),
      );
      expect(success).toMatchObject({ state: 4, rawStatus: "SUCCESS", successAt: at(5) });
      // A late PROCESSING report is stale: the refund stays a success, with its raw status.
      const stale = await ledger.updateRefund(
        no,
        { mode: "merge", state: 3, rawStatus: "PROCESSING" },
        at(6),
      );
      expect(stale).toMatchObject({ state: 4, rawStatus: "SUCCESS" });
      // A stale order update never moves the trade back from 4.
      await ledger.saveOrder({ ...o, tradeState: TradeState.PAID });
      expect((await ledger.getOrder(o.outTradeNo))?.tradeState).toBe(TradeState.REFUND);
    });

    it("closes nothing without the invariant's evidence; an attempted refund closes only on the provider's word", async () => {
      const o = await order(1000);
      const no = `${o.outTradeNo}R1`;
      await ledger.reserveRefund(input(o.outTradeNo, 1, 600), NO_INTERVAL, at(0));
      await expect(ledger.updateRefund(no, { mode: "transition", state: 6 }, at(1))).rejects.toBeInstanceOf(
        InvalidTransitionError,
      );
      await ledger.beginAttempt(no, 0, at(2));
      // Sent once: the merchant can no longer withdraw it, and a merged 6 without evidence is refused too.
      for (const update of [
        { mode: "transition", state: 6, close: { kind: "merchant_reject" } },
        { mode: "merge", state: 6, rawStatus: "SIGN_ERROR" },
      ] as const)
        await expect(ledger.updateRefund(no, update, at(3))).rejects.toBeInstanceOf(InvalidTransitionError);
      await ledger.beginAttempt(no, 0, at(4));
      await expect(
        ledger.updateRefund(
          no,
          {
            mode: "transition",
            state: 6,
            close: { kind: "provider_refused", providerCode: "NOT_ENOUGH", earlierAttemptsRuledOut: false },
          },
          at(5),
        ),
      ).rejects.toBeInstanceOf(InvalidTransitionError);
      // Still held: the sum counts it.
      await expect(
        ledger.reserveRefund(input(o.outTradeNo, 2, 401), NO_INTERVAL, at(6)),
      ).rejects.toMatchObject({
        rule: "sum",
      });
      const closed = await ledger.updateRefund(
        no,
        {
          mode: "merge",
          state: 6,
          rawStatus: "CLOSED",
          close: { kind: "provider_closed", rawStatus: "CLOSED" },
        },
        at(7),
      );
      expect(closed.state).toBe(6);
    });

    it("keeps the outcome-unknown marker and backoff, lists marked refunds, and clears both on acceptance", async () => {
      const o = await order(1000);
      const no = `${o.outTradeNo}R1`;
      await ledger.reserveRefund(input(o.outTradeNo, 1, 10), NO_INTERVAL, at(0));
      await ledger.beginAttempt(no, 0, at(1));
      const marked = await ledger.updateRefund(
        no,
        { mode: "merge", state: 2, outcomeUnknown: true, recoveryFailures: 2, retryAt: at(60_000) },
        at(2),
      );
      expect(marked).toMatchObject({
        state: 2,
        outcomeUnknown: true,
        recoveryFailures: 2,
        retryAt: at(60_000),
      });
      expect(await ledger.getRefund(no)).toEqual(marked);
      expect((await ledger.listOutcomeUnknown(10_000)).map((r) => r.outRefundNo)).toContain(no);
      const accepted = await ledger.updateRefund(
        no,
        { mode: "merge", state: 3, rawStatus: "PROCESSING" },
        at(3),
      );
      expect(accepted).toMatchObject({ outcomeUnknown: false, recoveryFailures: 0, retryAt: undefined });
      expect((await ledger.listOutcomeUnknown(10_000)).map((r) => r.outRefundNo)).not.toContain(no);
    });

    it("lists refunds by order and by state, oldest first", async () => {
      const o = await order(1000);
      for (const n of [1, 2, 3])
        await ledger.reserveRefund(input(o.outTradeNo, n, 1), NO_INTERVAL, at(n * 10));
      await ledger.updateRefund(
        `${o.outTradeNo}R2`,
        { mode: "transition", state: 6, close: { kind: "merchant_reject" } },
        at(40),
      );
      expect((await ledger.listRefunds(o.outTradeNo)).map((r) => r.outRefundNo)).toEqual(
        [1, 2, 3].map((n) => `${o.outTradeNo}R${n}`),
      );
      const open = (await ledger.listByState([1], 10_000)).filter((r) => r.outTradeNo === o.outTradeNo);
      expect(open.map((r) => r.outRefundNo)).toEqual([`${o.outTradeNo}R1`, `${o.outTradeNo}R3`]);
    });

    it("never lets concurrent reservations together pass the sum (60 racing reserves of 30 fen on 1000 paid)", async () => {
      const o = await order(1000);
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, n) =>
          ledger.reserveRefund(input(o.outTradeNo, n, 30), NO_INTERVAL, at(n)),
        ),
      );
      const ok = results.filter((r) => r.status === "fulfilled").length;
      const refused = results.filter(
        (r) => r.status === "rejected" && r.reason instanceof RefundRuleError && r.reason.rule === "sum",
      ).length;
      expect(ok).toBe(33);
      expect(refused).toBe(27);
      const held = (await ledger.listRefunds(o.outTradeNo)).reduce((s, r) => s + r.amountFen, 0);
      expect(held).toBe(990);
    });

    it("keeps one refund per number when the same request races itself", async () => {
      const o = await order(1000);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          ledger.reserveRefund(input(o.outTradeNo, 1, 500), NO_INTERVAL, at(0)),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await ledger.listRefunds(o.outTradeNo)).toHaveLength(1);
    });

    it("writes a state change's event due at once, even for a dispatcher whose clock is behind", async (ctx) => {
      // Only a ledger that writes events in the change's own transaction has an outbox to read.
      const outbox = ledger.outbox;
      if (!outbox) return ctx.skip();
      const o = await order();
      const ahead = at(60_000);
      await ledger.reserveRefund(input(o.outTradeNo, 1, 300), NO_INTERVAL, ahead);
      await ledger.updateRefund(`${o.outTradeNo}R1`, { mode: "merge", state: RefundState.SUCCESS }, ahead);
      const claimed = await outbox.claim({ outTradeNo: o.outTradeNo, limit: 10, leaseMs: 1000, now: T0 });
      expect(claimed.length).toBeGreaterThan(0);
      expect(claimed.every((c) => c.attempts === 1)).toBe(true);
    });
  });
}
