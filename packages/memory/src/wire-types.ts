import { z } from "zod";

/** Trade statuses of the in-memory network; named like WeChat's so the mapping reads the same. */
export type MemoryTradeStatus = "NOTPAY" | "SUCCESS" | "CLOSED" | "REFUND";
export type MemoryRefundStatus = "PROCESSING" | "SUCCESS";

/** A trade as the network holds and answers it. */
export interface MemoryTrade {
  readonly merchantNo: string;
  readonly outTradeNo: string;
  readonly tradeNo: string;
  readonly totalFen: number;
  status: MemoryTradeStatus;
  paidAt: Date | undefined;
}

/** A refund as the network holds and answers it. */
export interface MemoryRefund {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly amountFen: number;
  readonly createdAt: Date;
  status: MemoryRefundStatus;
}

/** A notification the network sent: signed headers and a JSON body. */
export interface MemoryNotification {
  readonly outTradeNo: string;
  readonly kind: "trade" | "refund";
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The body of a notification, parsed (never cast) once its signature verifies. Lenient about
 * fields PayBridge does not read, strict about the ones it does.
 */
export const notificationBodySchema = z.looseObject({
  id: z.string().min(1),
  kind: z.literal("trade"),
  merchantNo: z.string().min(1),
  payload: z.looseObject({ outTradeNo: z.string().min(1) }),
});
export type MemoryNotificationBody = z.output<typeof notificationBodySchema>;
