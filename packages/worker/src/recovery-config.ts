import { parseInput } from "@paybridge/core/provider-kit";
import { z } from "zod";

const ms = (what: string) => z.number().int().min(1, `${what} must be at least 1 ms`);
const batch = z.number().int().min(1).max(10_000);

/**
 * Every job's settings, with the defaults docs/recovery.md explains. Intervals are how often a
 * job is started (on pg-boss: at most once per interval across every instance).
 */
export const recoveryConfigSchema = z.strictObject({
  /**
   * (a) Payments not notified in time. WeChat Pay's guide (支付回调和查单实现指引,
   * https://pay.wechatpay.cn/docs/partner/development/practices/callback-and-query-order.html)
   * tells the merchant backend to call the order query itself when no paid notification came,
   * and its query best practice (https://pay.weixin.qq.com/wiki/doc/api_external/ch/practices/chapter1_1_2.shtml)
   * to query once more when the order expires. The page gives no numbers; the defaults are the
   * timer integrations commonly use for it: every 30 s, unpaid orders created in the last 10
   * minutes. Older unpaid orders are queried by closeExpired before they are closed.
   */
  queryUnnotified: z
    .strictObject({
      enabled: z.boolean().default(true),
      intervalMs: ms("queryUnnotified.intervalMs").default(30_000),
      /** A payment is queried once it is this old and still unpaid. */
      notNotifiedAfterMs: ms("queryUnnotified.notNotifiedAfterMs").default(30_000),
      /** ...and until it is this old. */
      windowMs: ms("queryUnnotified.windowMs").default(10 * 60_000),
      batch: batch.default(200),
    })
    .prefault({}),
  /**
   * (b) Unpaid payments past their expiry are closed at the provider, after a query (WeChat:
   * "调用关单或撤销接口API之前,需确认支付状态"). WeChat refuses a close within 5 minutes of
   * creating the order (closeorder, "最短调用时间间隔为5分钟"), hence minAgeMs.
   */
  closeExpired: z
    .strictObject({
      enabled: z.boolean().default(true),
      intervalMs: ms("closeExpired.intervalMs").default(60_000),
      /** Time past expiresAt before closing, for clock skew between this server and the provider. */
      graceMs: z.number().int().min(0).default(30_000),
      minAgeMs: z
        .number()
        .int()
        .min(0)
        .default(5 * 60_000),
      batch: batch.default(200),
    })
    .prefault({}),
  /**
   * (c) A payment the provider reports paid after PayBridge closed it: the ledger writes
   * trade.paid_after_close either way; with autoRefund the worker refunds it in full through the
   * refund engine, under a refund number derived from the order (lateRefundNo), so a retry
   * after a crash can never refund twice.
   */
  latePayments: z
    .strictObject({
      enabled: z.boolean().default(true),
      autoRefund: z.boolean().default(false),
      reason: z.string().min(1).max(80).default("paid after the order was closed"),
      intervalMs: ms("latePayments.intervalMs").default(30_000),
      batch: batch.default(100),
    })
    .prefault({}),
  /**
   * (d) Refunds left at 1/2/3: resumePending() resubmits or queries them with their stored
   * numbers. Alipay sends no refund notification for most products, so this is how a submitted
   * Alipay refund reaches 4.
   */
  pollRefunds: z
    .strictObject({
      enabled: z.boolean().default(true),
      intervalMs: ms("pollRefunds.intervalMs").default(60_000),
      batch: batch.default(500),
    })
    .prefault({}),
  /** (e) Handled-notification keys and delivered events are deleted after their retention. */
  prune: z
    .strictObject({
      enabled: z.boolean().default(true),
      intervalMs: ms("prune.intervalMs").default(60 * 60_000),
      /**
       * WeChat retries an unanswered notification for about a day (15 s ... 6 h,
       * https://pay.weixin.qq.com/doc/v3/merchant/4012791861); keys are kept a week.
       */
      inboxRetentionMs: ms("prune.inboxRetentionMs").default(7 * 24 * 3600_000),
      outboxRetentionMs: ms("prune.outboxRetentionMs").default(7 * 24 * 3600_000),
    })
    .prefault({}),
  /** (f) Delivers outbox events (those made by the jobs included) to the app's handlers. */
  dispatchEvents: z
    .strictObject({
      enabled: z.boolean().default(true),
      intervalMs: ms("dispatchEvents.intervalMs").default(5_000),
    })
    .prefault({}),
  /**
   * (g) Daily reconciliation (docs/reconciliation.md): each merchant's trade bill of each past
   * Beijing day reconciled against the ledger and stored once per merchant and day. Off unless
   * enabled, and then it needs `reconcileReports`. WeChat generates yesterday's bill after 10:00
   * Beijing time (https://pay.weixin.qq.com/doc/v3/merchant/4012556654), Alipay by 09:00
   * (https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query).
   */
  reconcileBills: z
    .strictObject({
      enabled: z.boolean().default(false),
      intervalMs: ms("reconcileBills.intervalMs").default(60 * 60_000),
      /** The merchants to reconcile; default every merchant account of the gateway. */
      merchants: z.array(z.string().min(1)).min(1).optional(),
      /** Days reconciled, counting back from yesterday: 1 is the previous Beijing day only. */
      days: z.number().int().min(1).max(90).default(1),
      /** The Beijing hour from which yesterday's bill is asked for. */
      readyAtHour: z.number().int().min(0).max(23).default(10),
    })
    .prefault({}),
});

export type RecoveryConfigInput = z.input<typeof recoveryConfigSchema>;
export type RecoveryConfig = z.output<typeof recoveryConfigSchema>;
export type JobName = keyof RecoveryConfig;
export const JOB_NAMES = [
  "queryUnnotified",
  "closeExpired",
  "latePayments",
  "pollRefunds",
  "prune",
  "dispatchEvents",
  "reconcileBills",
] as const satisfies readonly JobName[];

/** Validates the configuration; a bad value is a ValidationError naming the field and the rule. */
export function resolveRecoveryConfig(input: RecoveryConfigInput = {}): RecoveryConfig {
  return parseInput(recoveryConfigSchema, input, "recovery");
}
