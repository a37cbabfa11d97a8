import type { Currency } from "../money/money.js";
import type { RefundState } from "../states/refund-state.js";
import type { TradeState } from "../states/trade-state.js";

/** A paid order as the refund ledger keeps it. Amounts are integer fen. */
export interface LedgerOrder {
  /** The merchant's order number; unique in one ledger (a backend numbers its orders across providers). */
  readonly outTradeNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly currency: Currency;
  readonly totalFen: number;
  /** What the buyer actually paid; refunds never add up to more (Alipay: buyer_pay_amount). */
  readonly paidFen: number;
  readonly paidAt: Date;
  readonly tradeState: TradeState;
  readonly providerTradeNo: string | undefined;
}

/** One refund of an order; `outRefundNo` is unique in one ledger and is sent unchanged on every retry. */
export interface LedgerRefund {
  readonly outRefundNo: string;
  readonly outTradeNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly currency: Currency;
  readonly amountFen: number;
  readonly state: RefundState;
  /** The provider's last raw status (SUCCESS, PROCESSING, REFUND_SUCCESS, ...) or the error code that closed it. */
  readonly rawStatus: string | undefined;
  readonly providerRefundId: string | undefined;
  readonly reason: string | undefined;
  /** Calls made to the provider's refund API for this refund number (submissions, not queries). */
  readonly attempts: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /**
   * When the refund was last sent to the provider. The one-minute interval to the order's next
   * refund is measured from here: the provider dates a refund by the attempt it accepted, which
   * may be a later one than the first.
   */
  readonly submittedAt: Date | undefined;
  readonly successAt: Date | undefined;
  readonly lastError: string | undefined;
  /**
   * An attempt may have reached the provider and the provider has not said what became of it
   * (a query failed, or the call ended with an error that says nothing about this refund number).
   * The refund stays open (2) and holds its amount; `listOutcomeUnknown()` is what a merchant
   * alerts on, and `resumePending()` asks again from `retryAt` on.
   */
  readonly outcomeUnknown: boolean;
  /** Consecutive submissions that ended without an answer about this refund; drives the backoff. */
  readonly recoveryFailures: number;
  /** `resumePending()` leaves the refund alone until then (backoff after a failed recovery). */
  readonly retryAt: Date | undefined;
}

export interface NewLedgerOrder {
  readonly outTradeNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly currency: Currency;
  readonly totalFen: number;
  readonly paidFen: number;
  readonly paidAt: Date;
  readonly tradeState: TradeState;
  readonly providerTradeNo?: string | undefined;
}

export interface ReserveRefundInput {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly amountFen: number;
  readonly currency: Currency;
  readonly reason?: string | undefined;
  /** 0 when the refund waits for a person's approval, 1 when it is approved on creation. */
  readonly initialState: 0 | 1;
  /**
   * With initialState 1: a refund this call creates is stored with its first attempt already
   * counted (attempts 1, submittedAt now), as `beginAttempt` would count it, in the reserve's own
   * transaction. The caller then sends it without a `beginAttempt` of its own (one transaction
   * fewer per refund). The reserve's interval rule is stricter than the submission's, so a refund
   * that passes it may always be sent at once. A repeated refund number is returned unchanged.
   */
  readonly markFirstAttempt?: boolean | undefined;
}
