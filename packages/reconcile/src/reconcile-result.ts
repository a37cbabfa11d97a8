import type { BillRecord } from "./bill-record.js";
import type { LedgerEntry } from "./ledger-port.js";

export type DifferenceKind = "missing_locally" | "missing_at_provider" | "amount_mismatch" | "state_mismatch";

/** One line where the provider's bill and PayBridge's ledger disagree. */
export interface Difference {
  readonly kind: DifferenceKind;
  readonly record: "payment" | "refund";
  readonly outTradeNo: string;
  readonly outRefundNo: string | undefined;
  /** The bill's line, when the bill has it. */
  readonly billLine: number | undefined;
  readonly billAmountFen: number | undefined;
  readonly ledgerAmountFen: number | undefined;
  readonly billState: number | undefined;
  readonly ledgerState: number | undefined;
}

export interface DayTotals {
  readonly payments: number;
  readonly refunds: number;
  readonly paymentFen: number;
  readonly refundFen: number;
  /** Provider fees (bill only); the ledger does not know fees. */
  readonly feeFen: number;
  /** paymentFen - refundFen - feeFen: what the provider settles for the day. */
  readonly netFen: number;
}

export interface ReconcileResult {
  readonly provider: string;
  readonly merchantId: string;
  /** Beijing bill day, yyyy-MM-dd. */
  readonly date: string;
  readonly currency: "CNY";
  readonly matched: number;
  readonly differences: readonly Difference[];
  readonly bill: DayTotals;
  readonly ledger: DayTotals;
}

export type { BillRecord, LedgerEntry };
