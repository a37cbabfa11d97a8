import { randomBytes } from "node:crypto";
import { fenToYuan } from "@paybridge/core";
import type { SandboxClock } from "../shared/clock.js";
import { formatBeijing } from "./clock.js";
import type { LedgerEvent, SandboxTrade } from "./ledger.js";
import { notifySignContent, rsa2Sign } from "./signing.js";

/**
 * Retry schedule of asynchronous notifications: Alipay resends until the merchant answers the
 * seven characters "success", 8 times within 25 hours at 4m, 10m, 10m, 1h, 2h, 6h, 15h
 * (https://opendocs.alipay.com/open/203/105286 异步通知说明).
 */
export const NOTIFY_RETRY_DELAYS_MS = [4, 10, 10, 60, 120, 360, 900].map((m) => m * 60_000);

export type NotificationKind = "trade" | "refund";

/** One delivery attempt, as captured for tests and the control API. */
export interface CapturedNotification {
  readonly notifyId: string;
  readonly outTradeNo: string;
  readonly kind: NotificationKind;
  readonly tradeStatus: string;
  readonly outBizNo: string | undefined;
  readonly url: string | undefined;
  readonly attempt: number;
  readonly at: Date;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly responseStatus: number | undefined;
  readonly responseBody: string | undefined;
  readonly error: string | undefined;
  readonly acknowledged: boolean;
}

interface PendingDelivery {
  readonly notifyId: string;
  readonly trade: SandboxTrade;
  readonly kind: NotificationKind;
  readonly fields: Record<string, string>;
  attempts: number;
  nextAt: Date;
}

export interface NotifierOptions {
  readonly appId: string;
  readonly sellerId: string;
  readonly alipayPrivateKeyPem: string;
  readonly clock: SandboxClock;
  /** Only loopback addresses are contacted unless this is set. */
  readonly allowNonLoopback: boolean;
  readonly timeoutMs: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export class AlipayNotifier {
  private readonly pending: PendingDelivery[] = [];
  private readonly captured: CapturedNotification[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: NotifierOptions) {}

  get notifications(): readonly CapturedNotification[] {
    return this.captured;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** When the earliest pending retry is due, if any. */
  nextDueAt(): Date | undefined {
    const times = this.pending.map((p) => p.nextAt.getTime());
    return times.length ? new Date(Math.min(...times)) : undefined;
  }

  /** Queues the notification an event causes and makes the first attempt now. */
  enqueue(event: LedgerEvent): void {
    const fields = this.fieldsFor(event);
    const kind: NotificationKind = event.type === "refunded" ? "refund" : "trade";
    this.pending.push({
      notifyId: randomBytes(17).toString("hex"),
      trade: event.trade,
      kind,
      fields,
      attempts: 0,
      nextAt: this.options.clock.now(),
    });
  }

  /** Delivers everything due at the sandbox's current time; resolves when those attempts are done. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.deliverDue());
    return this.chain;
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      const now = this.options.clock.now().getTime();
      const due = this.pending
        .filter((p) => p.nextAt.getTime() <= now)
        .sort((a, b) => a.nextAt.getTime() - b.nextAt.getTime())[0];
      if (!due) return;
      const acknowledged = await this.attempt(due);
      const delay = NOTIFY_RETRY_DELAYS_MS[due.attempts - 1];
      if (acknowledged || delay === undefined) {
        this.pending.splice(this.pending.indexOf(due), 1);
      } else {
        due.nextAt = new Date(due.nextAt.getTime() + delay);
      }
    }
  }

  private async attempt(delivery: PendingDelivery): Promise<boolean> {
    delivery.attempts += 1;
    const now = this.options.clock.now();
    const params: Record<string, string> = {
      notify_time: formatBeijing(now),
      notify_type: "trade_status_sync",
      notify_id: delivery.notifyId,
      charset: "utf-8",
      version: "1.0",
      app_id: this.options.appId,
      auth_app_id: this.options.appId,
      ...delivery.fields,
    };
    params.sign = rsa2Sign(notifySignContent(params), this.options.alipayPrivateKeyPem);
    params.sign_type = "RSA2";
    const body = new URLSearchParams(params).toString();
    const headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    const url = delivery.trade.notifyUrl;
    let responseStatus: number | undefined;
    let responseBody: string | undefined;
    let error: string | undefined;
    if (!url) {
      error = "no notify_url was given for this trade";
    } else if (!this.options.allowNonLoopback && !LOOPBACK.has(new URL(url).hostname)) {
      error = `not delivered: ${new URL(url).hostname} is not a loopback address (allowNonLoopbackNotify is off)`;
    } else {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        responseStatus = res.status;
        responseBody = await res.text();
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    // Only the exact text "success" stops the retries.
    const acknowledged = responseStatus === 200 && responseBody?.trim() === "success";
    this.captured.push({
      notifyId: delivery.notifyId,
      outTradeNo: delivery.trade.outTradeNo,
      kind: delivery.kind,
      tradeStatus: params.trade_status ?? "",
      outBizNo: params.out_biz_no,
      url,
      attempt: delivery.attempts,
      at: now,
      headers,
      body,
      responseStatus,
      responseBody,
      error,
      acknowledged,
    });
    return acknowledged;
  }

  /** Business fields of the notification (https://opendocs.alipay.com/open/203/105286 异步通知参数). */
  private fieldsFor(event: LedgerEvent): Record<string, string> {
    const t = event.trade;
    const fields: Record<string, string> = {
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      buyer_id: t.buyerId,
      buyer_logon_id: t.buyerLogonId,
      seller_id: this.options.sellerId,
      trade_status: t.status,
      total_amount: fenToYuan(t.totalFen),
      subject: t.subject,
      gmt_create: formatBeijing(t.createdAt),
    };
    if (t.paidAt) {
      const paid = fenToYuan(t.totalFen);
      fields.receipt_amount = paid;
      fields.invoice_amount = paid;
      fields.buyer_pay_amount = paid;
      fields.point_amount = "0.00";
      fields.gmt_payment = formatBeijing(t.paidAt);
      fields.fund_bill_list = JSON.stringify([{ amount: paid, fundChannel: "ALIPAYACCOUNT" }]);
    }
    if (t.passbackParams) fields.passback_params = t.passbackParams;
    if (event.type === "refunded") {
      // refund_fee is the trade's total refunded so far; out_biz_no names this refund request.
      fields.out_biz_no = event.refund.outRequestNo;
      fields.refund_fee = fenToYuan(t.refundedFen);
      fields.gmt_refund = formatBeijing(event.refund.at, true);
    }
    if (t.closedAt) fields.gmt_close = formatBeijing(t.closedAt);
    return fields;
  }
}
