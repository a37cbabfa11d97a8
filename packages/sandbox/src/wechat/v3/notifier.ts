import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { aeadEncrypt } from "../../shared/aead.js";
import type { SandboxClock } from "../../shared/clock.js";
import { formatBeijingTime } from "../../shared/time-format.js";
import type { WechatEngineEvent } from "../engine/events.js";
import type { WechatSandboxMerchant } from "./credentials.js";
import { renderRefundNotice, renderTransaction } from "./render.js";
import { type ResponseSigner, signedHeaders } from "./signing.js";

/**
 * WeChat retries a notification that was not answered with 200/204 at 15s/15s/30s/3m/10m/20m/
 * 30m/30m/30m/60m/3h/3h/3h/6h/6h (支付结果通知, https://pay.weixin.qq.com/doc/v3/merchant/4012791861).
 * The sandbox keeps the shape and divides every delay by `compression`.
 */
export const WECHAT_NOTIFY_SCHEDULE_MS = [
  15_000, 15_000, 30_000, 180_000, 600_000, 1_200_000, 1_800_000, 1_800_000, 1_800_000, 3_600_000, 10_800_000,
  10_800_000, 10_800_000, 21_600_000, 21_600_000,
] as const;

export interface NotificationDelivery {
  readonly at: Date;
  readonly status?: number;
  readonly error?: string;
}

/** A notification the sandbox built, with the exact bytes it sends and what became of each attempt. */
export interface SentNotification {
  readonly id: string;
  readonly kind: "trade" | "refund";
  readonly eventType: string;
  readonly mchid: string;
  readonly outTradeNo: string;
  readonly outRefundNo: string | undefined;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly deliveries: NotificationDelivery[];
  delivered: boolean;
  /** True once the schedule is exhausted or delivery is disabled for the URL. */
  finished: boolean;
}

export interface NotifierOptions {
  /** Divide WeChat's retry delays by this (default 1000: 15 s -> 15 ms). */
  readonly compression?: number;
  /** Deliver to non-loopback URLs too. Off by default: the sandbox never leaves the machine unless told. */
  readonly allowNonLoopback?: boolean;
  /** Build and record notifications without sending them. */
  readonly deliver?: boolean;
  readonly timeoutMs?: number;
}

const EVENT_TYPES = {
  SUCCESS: { eventType: "REFUND.SUCCESS", summary: "退款成功" },
  ABNORMAL: { eventType: "REFUND.ABNORMAL", summary: "退款异常" },
  CLOSED: { eventType: "REFUND.CLOSED", summary: "退款关闭" },
} as const;

export class WechatNotifier {
  readonly sent: SentNotification[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly merchants: (mchid: string) => WechatSandboxMerchant | undefined,
    private readonly signer: (merchant: WechatSandboxMerchant) => ResponseSigner,
    private readonly clock: SandboxClock,
    private readonly wireNow: () => number,
    private readonly options: NotifierOptions = {},
  ) {}

  /** Turns an engine event into TRANSACTION.SUCCESS or REFUND.SUCCESS / ABNORMAL / CLOSED, if it is one. */
  handle(event: WechatEngineEvent): void {
    const merchant = this.merchants(event.mchid);
    if (!merchant || this.closed) return;
    if (event.kind === "trade") {
      if (event.to !== "SUCCESS") return;
      this.send(merchant, {
        kind: "trade",
        eventType: "TRANSACTION.SUCCESS",
        summary: "支付成功",
        originalType: "transaction",
        resource: renderTransaction(event.order),
        url: event.order.notifyUrl,
        outTradeNo: event.order.outTradeNo,
        outRefundNo: undefined,
      });
      return;
    }
    if (event.to === "PROCESSING") return;
    const url = event.refund.notifyUrl ?? merchant.refundNotifyUrl ?? event.order.notifyUrl;
    this.send(merchant, {
      kind: "refund",
      ...EVENT_TYPES[event.to],
      originalType: "refund",
      resource: renderRefundNotice(event.refund),
      url,
      outTradeNo: event.refund.outTradeNo,
      outRefundNo: event.refund.outRefundNo,
    });
  }

  /** Resolves with the first recorded notification matching `predicate`. */
  async waitFor(predicate: (n: SentNotification) => boolean, timeoutMs = 5_000): Promise<SentNotification> {
    const found = this.sent.find(predicate);
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error("no matching notification was sent"));
      }, timeoutMs);
      const check = () => {
        const hit = this.sent.find(predicate);
        if (!hit) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(hit);
      };
      this.waiters.add(check);
    });
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private send(
    merchant: WechatSandboxMerchant,
    n: {
      kind: "trade" | "refund";
      eventType: string;
      summary: string;
      originalType: string;
      resource: Record<string, unknown>;
      url: string;
      outTradeNo: string;
      outRefundNo: string | undefined;
    },
  ): void {
    // Notification body: https://pay.weixin.qq.com/doc/v3/merchant/4012791861 (通知报文).
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: formatBeijingTime(this.clock.now()),
      resource_type: "encrypt-resource",
      event_type: n.eventType,
      summary: n.summary,
      resource: {
        original_type: n.originalType,
        ...aeadEncrypt(JSON.stringify(n.resource), merchant.apiV3Key, n.originalType),
      },
    });
    const headers = {
      "Content-Type": "application/json",
      ...signedHeaders(this.signer(merchant), body, this.wireNow()),
    };
    const record: SentNotification = {
      id: (JSON.parse(body) as { id: string }).id,
      kind: n.kind,
      eventType: n.eventType,
      mchid: merchant.mchid,
      outTradeNo: n.outTradeNo,
      outRefundNo: n.outRefundNo,
      url: n.url,
      headers,
      body,
      deliveries: [],
      delivered: false,
      finished: false,
    };
    this.sent.push(record);
    for (const waiter of [...this.waiters]) waiter();
    const loopback = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(n.url);
    if (this.options.deliver === false || (!loopback && !this.options.allowNonLoopback)) {
      record.finished = true;
      return;
    }
    void this.attempt(record, 0);
  }

  private async attempt(record: SentNotification, index: number): Promise<void> {
    if (this.closed) return;
    const outcome = await post(record.url, record.headers, record.body, this.options.timeoutMs ?? 5_000);
    record.deliveries.push({ at: new Date(), ...outcome });
    if (outcome.status !== undefined && (outcome.status === 200 || outcome.status === 204)) {
      record.delivered = true;
      record.finished = true;
      return;
    }
    const delay = WECHAT_NOTIFY_SCHEDULE_MS[index];
    if (delay === undefined || this.closed) {
      record.finished = true;
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void this.attempt(record, index + 1);
      },
      Math.max(1, Math.round(delay / (this.options.compression ?? 1000))),
    );
    this.timers.add(timer);
  }
}

function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => resolve({ error: error.message }));
    req.end(body);
  });
}
