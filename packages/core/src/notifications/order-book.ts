import type { Money } from "../money/money.js";

/** What the merchant's own system says an order is: who sells it and for how much. */
export interface ExpectedOrder {
  readonly outTradeNo: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly amount: Money;
}

/**
 * The merchant's order book as the notification intake sees it. Amounts echoed by a provider are
 * checked against it: a paid notification for another amount or another merchant is refused.
 */
export type OrderLookup = (outTradeNo: string) => Promise<ExpectedOrder | undefined>;
