import { RefundState, TradeState } from "@paybridge/core";
import type { LedgerEntry, ReconcileResult } from "@paybridge/reconcile";
import { expect } from "vitest";

/**
 * One bill day with one of each difference reconciliation must find, played against a provider's
 * sandbox through the real provider. `recorded` is what the shop's ledger says, differences
 * planted: a payment it lacks, one the provider never saw, a wrong amount, a refund it still has as
 * submitted, and a refund it booked on the day that the provider books on the next.
 */
export interface PlantedDayOps {
  pay(outTradeNo: string, fen: number): Promise<void>;
  refund(outTradeNo: string, outRefundNo: string, fen: number, totalFen: number): Promise<unknown>;
  /** Whatever the provider needs between two refunds of one order (WeChat: a minute). */
  betweenRefunds(): Promise<void>;
  /** Moves the sandbox clock past midnight, Beijing time. */
  toNextDay(): Promise<void>;
}

export function plantedNumbers(): (name: string) => string {
  const tag = String(Date.now()).slice(-8);
  return (name) => `${name}${tag}`;
}

export async function plantDay(ops: PlantedDayOps, no: (name: string) => string): Promise<LedgerEntry[]> {
  const recorded: LedgerEntry[] = [];
  const refund = (outTradeNo: string, outRefundNo: string, amountFen: number, state: RefundState) =>
    recorded.push({ kind: "refund", outTradeNo, outRefundNo, amountFen, state });
  await ops.pay(no("PAIDOK"), 1000);
  recorded.push({ kind: "payment", outTradeNo: no("PAIDOK"), amountFen: 1000, state: TradeState.REFUND });
  await ops.refund(no("PAIDOK"), no("REFOK"), 300, 1000);
  refund(no("PAIDOK"), no("REFOK"), 300, RefundState.SUCCESS);
  await ops.betweenRefunds();
  // Done at the provider before the bill is made; the shop never heard (still submitted).
  await ops.refund(no("PAIDOK"), no("REFSTATE"), 200, 1000);
  refund(no("PAIDOK"), no("REFSTATE"), 200, RefundState.SUBMITTED);
  // Paid at the provider, unknown to the shop.
  await ops.pay(no("LEDGERLACKS"), 500);
  // Paid 800, recorded as 801.
  await ops.pay(no("WRONGAMT"), 800);
  recorded.push({ kind: "payment", outTradeNo: no("WRONGAMT"), amountFen: 801, state: TradeState.REFUND });
  // Recorded as paid, never paid at the provider.
  recorded.push({ kind: "payment", outTradeNo: no("BILLLACKS"), amountFen: 600, state: TradeState.PAID });
  await ops.toNextDay();
  await ops.refund(no("WRONGAMT"), no("REFNEXTDAY"), 100, 800);
  refund(no("WRONGAMT"), no("REFNEXTDAY"), 100, RefundState.SUCCESS);
  return recorded;
}

/** Each planted difference exactly once, nothing else, and the first payment and refund matched. */
export function expectPlanted(result: ReconcileResult, no: (name: string) => string): void {
  const found = result.differences.map((d) => `${d.kind}:${d.record}:${d.outRefundNo ?? d.outTradeNo}`);
  expect(found.sort()).toEqual(
    [
      `missing_locally:payment:${no("LEDGERLACKS")}`,
      `amount_mismatch:payment:${no("WRONGAMT")}`,
      `state_mismatch:refund:${no("REFSTATE")}`,
      `missing_at_provider:payment:${no("BILLLACKS")}`,
      `missing_at_provider:refund:${no("REFNEXTDAY")}`,
    ].sort(),
  );
  expect(result.matched).toBe(2);
}
