import { z } from "zod";
import type { Money } from "../money/money.js";
import type { TradeResult } from "./payment.js";
import type { RefundResult } from "./refund.js";

/** A notification exactly as it arrived: headers as the HTTP server parsed them, and the raw body. */
export const rawNotificationSchema = z.strictObject({
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.undefined()])),
  body: z
    .string({ error: "must be the raw request body as a string" })
    .min(1, { error: "must not be empty" }),
});
export type RawNotification = z.input<typeof rawNotificationSchema>;

interface NotificationBase {
  /** The provider's notification id (WeChat id, Alipay notify_id): the deduplication key. */
  readonly id: string;
  readonly provider: string;
  readonly merchantId: string;
  /** The provider's event type (TRANSACTION.SUCCESS, REFUND.ABNORMAL, TRADE_SUCCESS, ...). */
  readonly eventType: string;
}

/** A trade as a notification reports it: the amount is always there (both providers' pages require it). */
export type NotifiedTrade = TradeResult & { readonly amount: Money };

/** A verified, decrypted notification mapped onto the unified model. */
export type NotificationEvent =
  | (NotificationBase & { readonly kind: "trade"; readonly trade: NotifiedTrade })
  | (NotificationBase & { readonly kind: "refund"; readonly refund: RefundResult });

/** The HTTP answer a provider expects; anything but success makes it retry. */
export interface NotificationAck {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}
