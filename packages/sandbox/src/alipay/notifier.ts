import { randomBytes } from "node:crypto";
import type { SandboxClock } from "../shared/clock.js";
import {
  DEFAULT_DELIVERY_MODE,
  type DeliveryMode,
  nextDeliveryMode,
  pickDeliveryMode,
} from "../shared/delivery-mode.js";
import { type AnswerSigner, inlineSigner } from "../shared/sign-pool.js";
import { formatYuan } from "../shared/yuan.js";
import { formatBeijing } from "./clock.js";
import { fundChannels, tradeAmounts } from "./discounts.js";
import type { LedgerEvent, SandboxTrade } from "./ledger.js";
import { notifySignContent } from "./signing.js";

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
  /** Which simulated Alipay server sent this copy (0 unless the delivery mode has `senders` > 1). */
  readonly sender: number;
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
  /** Tie-break among deliveries due at the same sandbox time: the order they go out in. */
  seq: number;
}

export interface NotifierOptions extends DeliveryMode {
  readonly appId: string;
  /** The authorising merchant's app id when the app acts for it with app_auth_token (ISV); appId otherwise. */
  readonly authAppId?: string | undefined;
  readonly sellerId: string;
  /**
   * Alipay's signing key now (it changes when the certificate rotates). Notifications carry no
   * alipay_cert_sn (https://opendocs.alipay.com/open/203/105286 lists none): each attempt is signed
   * with the key current when it is sent, so a retry after a rotation is signed with the new key.
   */
  signingKey(): string;
  /** Signs each attempt (a worker pool under load); on the event loop when omitted. */
  readonly signer?: AnswerSigner;
  readonly clock: SandboxClock;
  /** Only loopback addresses are contacted unless this is set. */
  readonly allowNonLoopback: boolean;
  readonly timeoutMs: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export class AlipayNotifier {
  private readonly pending: PendingDelivery[] = [];
  private readonly held: PendingDelivery[] = [];
  private readonly captured: CapturedNotification[] = [];
  private chain: Promise<void> = Promise.resolve();
  private mode: Required<DeliveryMode>;
  private seq = 0;

  constructor(private readonly options: NotifierOptions) {
    this.mode = nextDeliveryMode(DEFAULT_DELIVERY_MODE, pickDeliveryMode(options));
  }

  /** Changes how later attempts travel (the control API's delivery-mode). */
  setMode(mode: DeliveryMode): void {
    this.mode = nextDeliveryMode(this.mode, mode);
  }

  get deliveryMode(): Readonly<DeliveryMode> {
    return this.mode;
  }

  /**
   * Sends the held notifications now, in the order built or newest first ("reverse": a refund's
   * notification arrives before its payment's); resolves with how many were released once they
   * have been attempted.
   */
  async release(order: "built" | "reverse" = "built"): Promise<number> {
    const batch = this.held.splice(0);
    if (order === "reverse") batch.reverse();
    const now = this.options.clock.now();
    for (const delivery of batch) {
      delivery.nextAt = now;
      delivery.seq = this.seq++;
      this.pending.push(delivery);
    }
    await this.flush();
    return batch.length;
  }

  get heldCount(): number {
    return this.held.length;
  }

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
    const delivery: PendingDelivery = {
      notifyId: randomBytes(17).toString("hex"),
      trade: event.trade,
      kind,
      fields,
      attempts: 0,
      nextAt: new Date(this.options.clock.now().getTime() + this.mode.lateMs),
      seq: this.seq++,
    };
    (this.mode.hold ? this.held : this.pending).push(delivery);
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
        .sort((a, b) => a.nextAt.getTime() - b.nextAt.getTime() || a.seq - b.seq)[0];
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
      auth_app_id: this.options.authAppId ?? this.options.appId,
      ...delivery.fields,
    };
    params.sign = await (this.options.signer ?? inlineSigner).sign(
      this.options.signingKey(),
      notifySignContent(params),
    );
    params.sign_type = "RSA2";
    const body = new URLSearchParams(params).toString();
    const headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    const url = delivery.trade.notifyUrl;
    const refusal = !url
      ? "no notify_url was given for this trade"
      : !this.options.allowNonLoopback && !LOOPBACK.has(new URL(url).hostname)
        ? `not delivered: ${new URL(url).hostname} is not a loopback address (allowNonLoopbackNotify is off)`
        : undefined;
    const record = (sender: number, outcome: SendOutcome): boolean => {
      // Only the exact text "success" stops the retries.
      const acknowledged = outcome.responseStatus === 200 && outcome.responseBody?.trim() === "success";
      this.captured.push({
        notifyId: delivery.notifyId,
        outTradeNo: delivery.trade.outTradeNo,
        kind: delivery.kind,
        tradeStatus: params.trade_status ?? "",
        outBizNo: params.out_biz_no,
        url,
        attempt: delivery.attempts,
        sender,
        at: now,
        headers,
        body,
        ...outcome,
        acknowledged,
      });
      return acknowledged;
    };
    if (url === undefined || refusal !== undefined) {
      return record(0, { responseStatus: undefined, responseBody: undefined, error: refusal });
    }
    let acknowledged = false;
    for (let copy = 0; copy <= this.mode.duplicates; copy += 1) {
      // Several Alipay servers may send the same attempt at once: parallel connections.
      const outcomes = await Promise.all(
        Array.from({ length: this.mode.senders }, async (_, sender) =>
          record(sender, await send(url, headers, body, this.options.timeoutMs)),
        ),
      );
      if (outcomes.includes(true)) acknowledged = true;
    }
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
      total_amount: formatYuan(t.totalFen),
      subject: t.subject,
      gmt_create: formatBeijing(t.createdAt),
    };
    if (t.paidAt) {
      const a = tradeAmounts(t.totalFen, t.discounts);
      fields.receipt_amount = formatYuan(a.receiptFen);
      fields.invoice_amount = formatYuan(a.invoiceFen);
      fields.buyer_pay_amount = formatYuan(a.buyerPayFen);
      fields.point_amount = formatYuan(a.pointFen);
      fields.gmt_payment = formatBeijing(t.paidAt);
      // The notification page spells the list's keys in camelCase (fundChannel, voucherId ...).
      fields.fund_bill_list = JSON.stringify(
        fundChannels(t.totalFen, t.discounts).map((c) => ({
          amount: formatYuan(c.fen),
          fundChannel: c.channel,
        })),
      );
      if (t.discounts.vouchers.length > 0) {
        fields.voucher_detail_list = JSON.stringify(
          t.discounts.vouchers.map((v) => ({
            amount: formatYuan(v.amountFen),
            merchantContribute: formatYuan(v.merchantContributeFen),
            name: v.name,
            otherContribute: formatYuan(v.otherContributeFen),
            type: v.type,
            voucherId: v.id,
          })),
        );
      }
    }
    if (t.passbackParams) fields.passback_params = t.passbackParams;
    if (event.type === "refunded") {
      // refund_fee is the trade's total refunded so far; out_biz_no names this refund request.
      fields.out_biz_no = event.refund.outRequestNo;
      fields.refund_fee = formatYuan(t.refundedFen);
      fields.gmt_refund = formatBeijing(event.refund.at, true);
    }
    if (t.closedAt) fields.gmt_close = formatBeijing(t.closedAt);
    return fields;
  }
}

interface SendOutcome {
  readonly responseStatus: number | undefined;
  readonly responseBody: string | undefined;
  readonly error: string | undefined;
}

async function send(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendOutcome> {
  try {
    const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return { responseStatus: res.status, responseBody: await res.text(), error: undefined };
  } catch (err) {
    return {
      responseStatus: undefined,
      responseBody: undefined,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
