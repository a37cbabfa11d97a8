import type { RefundState, TradeState } from "@paybridge/core";

/** One payment or refund as PayBridge's ledger holds it, reduced to what a bill can confirm. */
export type LedgerEntry =
  | {
      readonly kind: "payment";
      readonly outTradeNo: string;
      readonly amountFen: number;
      readonly state: TradeState;
    }
  | {
      readonly kind: "refund";
      readonly outTradeNo: string;
      readonly outRefundNo: string;
      readonly amountFen: number;
      readonly state: RefundState;
    };

export interface LedgerDayQuery {
  readonly merchantId: string;
  readonly provider: string;
  /** Beijing day [from, to) the bill covers. */
  readonly from: Date;
  readonly to: Date;
}

/**
 * The small port reconciliation reads the ledger through: every payment the ledger says was paid
 * in the day and every refund it books in the day, for one merchant and provider. Implementations
 * stream; reconciliation keeps one compact entry per ledger line.
 */
export interface ReconcileLedgerPort {
  entries(query: LedgerDayQuery): AsyncIterable<LedgerEntry>;
}
