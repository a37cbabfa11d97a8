import type { Outbox } from "../events/outbox.js";
import type { Currency } from "../money/money.js";
import type { TradeState } from "../states/trade-state.js";
import type { PaymentMethod } from "./payment-method.js";

/**
 * A payment as PayBridge records it: written by the gateway before the provider is asked to
 * create it, then moved forward by notifications, queries and closes. Amounts are integer fen.
 */
export interface LedgerPayment {
  /** The merchant's order number; unique in one ledger, like the refund ledger's orders. */
  readonly outTradeNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly method: PaymentMethod | undefined;
  readonly currency: Currency;
  readonly amountFen: number;
  /** When the order stops being payable; the recovery worker closes it at the provider then. */
  readonly expiresAt: Date | undefined;
  readonly state: TradeState;
  /** The provider's last raw status (NOTPAY, SUCCESS, TRADE_CLOSED, ...), undefined until it reported one. */
  readonly rawStatus: string | undefined;
  readonly providerTradeNo: string | undefined;
  /** What the buyer actually paid (coupons), once paid. */
  readonly paidFen: number | undefined;
  readonly paidAt: Date | undefined;
  /** Set when the provider reported the payment paid after PayBridge had closed it (a late payment). */
  readonly paidAfterCloseAt: Date | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewPayment {
  readonly outTradeNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly method?: PaymentMethod | undefined;
  readonly currency: Currency;
  readonly amountFen: number;
  readonly expiresAt?: Date | undefined;
}

export interface RecordOutcome {
  readonly payment: LedgerPayment;
  /** False when the order number was already recorded with the same merchant, amount and currency. */
  readonly created: boolean;
}

/** Where a trade report came from; kept on the event so a handler can tell a query from a notification. */
/** "refund": the recovery worker refunded a late payment in full (the order moved to 4). */
export type TradeReportSource = "notification" | "query" | "close" | "create" | "refund";

/** What a provider said about a payment (notification, query or a close the provider accepted). */
export interface TradeReport {
  readonly state: TradeState;
  readonly rawStatus: string;
  readonly source: TradeReportSource;
  readonly providerTradeNo?: string | undefined;
  readonly paidFen?: number | undefined;
  readonly paidAt?: Date | undefined;
}

export interface PaymentChange {
  readonly payment: LedgerPayment;
  readonly previous: LedgerPayment;
  /** True when this report moved the state (only one of several concurrent equal reports does). */
  readonly changed: boolean;
  /** True when this report is a payment that succeeded after PayBridge closed the order. */
  readonly paidAfterClose: boolean;
}

export interface PaymentListQuery {
  readonly merchantId: string;
  /** Inclusive lower bound on createdAt. */
  readonly from: Date;
  /** Exclusive upper bound on createdAt. */
  readonly to: Date;
  readonly limit?: number;
}

export interface UnpaidQuery {
  /** Payments created before this instant (not notified in time). */
  readonly createdBefore?: Date;
  /** Payments created at or after this instant (the recovery worker's query window). */
  readonly createdAfter?: Date;
  /** Payments whose expiry is before this instant. */
  readonly expiresBefore?: Date;
  readonly limit: number;
}

/**
 * The payment ledger port, kept in the same store as the refund ledger. Implementations:
 * MemoryPaymentLedger (core, one process) and PostgresPaymentLedger (@paybridge/postgres,
 * PostgreSQL or PGlite). Every operation is atomic; states move forward only, with one
 * exception that protects money: a paid report for an order PayBridge closed is recorded
 * (state 3, `paidAfterCloseAt` set), because the buyer's money is at the provider.
 */
export interface PaymentLedger {
  /** Set when the ledger writes each change's event in the change's own transaction. */
  readonly outbox?: Outbox | undefined;
  /**
   * Records a new payment at state 0, or returns the recorded one for a repeat with the same
   * merchant, amount and currency. Throws AmountMismatchError when the order number is recorded
   * with another merchant or amount, and TradeStateError when it is no longer unpaid.
   */
  recordPayment(input: NewPayment, now: Date): Promise<RecordOutcome>;
  getPayment(outTradeNo: string): Promise<LedgerPayment | undefined>;
  /**
   * Removes a payment the provider never heard of: only at state 0 with no provider status. The
   * gateway calls it when the provider refused the input (ValidationError, raised before any
   * network call), so bad input leaves nothing half written. Returns whether a row was removed.
   */
  discardUnsent(outTradeNo: string): Promise<boolean>;
  /** Merges a provider's report forward only, with the payment locked. Throws NotFoundError for an unknown order. */
  applyReport(outTradeNo: string, report: TradeReport, now: Date): Promise<PaymentChange>;
  /** A merchant's payments created in [from, to), oldest first (what reconciliation reads). */
  listPayments(query: PaymentListQuery): Promise<LedgerPayment[]>;
  /** Unpaid (state 0) payments matching every bound given, oldest first. */
  listUnpaid(query: UnpaidQuery): Promise<LedgerPayment[]>;
  /**
   * Payments the provider reported paid after PayBridge had closed them and that are still at 3
   * (not refunded yet), oldest first: what the recovery worker's late-payment policy refunds.
   */
  listPaidAfterClose(limit: number): Promise<LedgerPayment[]>;
}
