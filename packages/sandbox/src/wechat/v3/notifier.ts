import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { aeadEncrypt } from "../../shared/aead.js";
import type { SandboxClock } from "../../shared/clock.js";
import {
  DEFAULT_DELIVERY_MODE,
  type DeliveryMode,
  nextDeliveryMode,
  pickDeliveryMode,
} from "../../shared/delivery-mode.js";
import { formatBeijingRfc3339 } from "../../shared/time-format.js";
import type { WechatEngineEvent } from "../engine/events.js";
import type { EngineOrder, EngineRefund } from "../engine/types.js";
import type { WechatSandboxMerchant } from "./credentials.js";
import { renderRefundNotice, renderTransaction } from "./render.js";
import { type ResponseSigner, signedHeaders } from "./signing.js";

/**
 * WeChat retries a notification that was not answered with 200/204 at 15s/15s/30s/3m/10m/20m/
 * 30m/30m/30m/60m/3h/3h/3h/6h/6h (支付结果通知, https://pay.weixin.qq.com/doc/v3/merchant/4012791861).
 * The delays run on the sandbox clock; real time counts `compression` times faster.
 */
export const WECHAT_NOTIFY_SCHEDULE_MS = [
  15_000, 15_000, 30_000, 180_000, 600_000, 1_200_000, 1_800_000, 1_800_000, 1_800_000, 3_600_000, 10_800_000,
  10_800_000, 10_800_000, 21_600_000, 21_600_000,
] as const;

export interface NotificationDelivery {
  /** Wall-clock time the attempt was sent. */
  readonly at: Date;
  /** Sandbox-clock time of the attempt (what retry timing is measured on). */
  readonly sandboxAt: Date;
  /** Which simulated WeChat server sent it (0 unless `senders` > 1). */
  readonly sender: number;
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
  /** True when a `drop` fault swallowed it: built and recorded, never sent (a lost notification, 掉单). */
  dropped: boolean;
}

/** Which notifications a drop fault swallows: every field given must match. */
export interface DropFilter {
  readonly outTradeNo?: string | undefined;
  readonly kind?: "trade" | "refund" | undefined;
}

export interface NotifierOptions extends DeliveryMode {
  /**
   * Speed factor: a retry is due when the sandbox clock reaches it, or when real time has covered
   * the delay divided by this (default 1000: 15 s -> 15 ms). Moving the sandbox clock
   * (`control.advance`) fires every retry that falls due on the way, in order.
   */
  readonly compression?: number;
  /** Deliver to non-loopback URLs too. Off by default: the sandbox never leaves the machine unless told. */
  readonly allowNonLoopback?: boolean;
  /** Build and record notifications without sending them. */
  readonly deliver?: boolean;
  /**
   * How long the merchant has to answer one attempt: "商户系统收到支付结果通知后,需要在5秒内完成处理,
   * 并返回应答" (https://pay.weixin.qq.com/doc/v3/merchant/4012791861), so 5000 ms by default; a
   * slower answer counts as a failure and is retried. Wall-clock time: it measures the merchant.
   */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly record: SentNotification;
  /** Attempts made so far. */
  attempts: number;
  dueSandbox: number;
  dueWall: number;
  running: boolean;
}

/** The decrypted resource of a payment / refund notification for an order or refund of the engine. */
export interface NotificationResources {
  transaction(order: Readonly<EngineOrder>): Record<string, unknown>;
  refund(refund: Readonly<EngineRefund>): Record<string, unknown>;
}

const DIRECT_RESOURCES: NotificationResources = {
  transaction: renderTransaction,
  refund: renderRefundNotice,
};

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
  private readonly pending: Pending[] = [];
  private readonly held: Pending[] = [];
  private readonly drops: DropFilter[] = [];
  private mode: Required<DeliveryMode>;

  constructor(
    private readonly merchants: (mchid: string) => WechatSandboxMerchant | undefined,
    private readonly signer: (merchant: WechatSandboxMerchant) => ResponseSigner,
    private readonly clock: SandboxClock,
    private readonly wireNow: () => number,
    private readonly options: NotifierOptions = {},
    /** How resources are rendered; a service provider's sub-merchants use the partner shape. */
    private readonly resources: NotificationResources = DIRECT_RESOURCES,
  ) {
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
   * Sends the held notifications, in the order built or newest first ("reverse": a refund's
   * notification arrives before its payment's). Returns how many were released.
   */
  release(order: "built" | "reverse" = "built"): number {
    const batch = this.held.splice(0);
    if (order === "reverse") batch.reverse();
    const now = this.clock.now().getTime();
    for (const [i, p] of batch.entries()) {
      // Strictly increasing due times keep the chosen order across the asynchronous sends.
      p.dueSandbox = now;
      p.dueWall = Date.now() + i;
      this.pending.push(p);
    }
    this.deliverDue();
    return batch.length;
  }

  /**
   * A fault for the notification channel: the next `times` notifications matching `filter` are
   * built and recorded but never sent, not even retried, as when WeChat's notification is lost
   * for good and only the merchant's own query can find the payment
   * (https://pay.weixin.qq.com/doc/v3/merchant/4012791861: "商户... 应主动调用查询订单").
   */
  drop(filter: DropFilter = {}, times = 1): void {
    if (!Number.isSafeInteger(times) || times < 1) throw new RangeError("drop times: at least 1");
    for (let i = 0; i < times; i += 1) this.drops.push(filter);
  }

  /** The sandbox time of the earliest retry or late first attempt waiting (none running). */
  nextDueSandbox(): number | undefined {
    const times = this.pending.filter((p) => !p.running).map((p) => p.dueSandbox);
    return times.length ? Math.min(...times) : undefined;
  }

  /**
   * Makes every attempt that is due, on the sandbox clock or by real time at the speed factor.
   * Called after the clock moves and by the simulator's periodic tick.
   */
  deliverDue(): void {
    if (this.closed) return;
    const now = this.clock.now().getTime();
    const wall = Date.now();
    const due = this.pending
      .filter((p) => !p.running && (p.dueSandbox <= now || p.dueWall <= wall))
      .sort((a, b) => a.dueWall - b.dueWall || a.dueSandbox - b.dueSandbox);
    for (const p of due) void this.attempt(p);
  }

  /** Turns an engine event into TRANSACTION.SUCCESS or REFUND.SUCCESS / ABNORMAL / CLOSED, if it is one. */
  handle(event: WechatEngineEvent): void {
    const merchant = this.merchants(event.mchid);
    if (!merchant || this.closed) return;
    if (event.kind === "trade") {
      // 付款码支付 sends no payment notification ("付款码支付没有异步支付结果通知"): it has no notify_url.
      if (event.to !== "SUCCESS" || event.order.channel === "codepay") return;
      this.send(merchant, {
        kind: "trade",
        eventType: "TRANSACTION.SUCCESS",
        summary: "支付成功",
        originalType: "transaction",
        resource: this.resources.transaction(event.order),
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
      resource: this.resources.refund(event.refund),
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
      create_time: formatBeijingRfc3339(this.clock.now()),
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
      dropped: false,
    };
    this.sent.push(record);
    const drop = this.drops.findIndex(
      (f) =>
        (f.outTradeNo === undefined || f.outTradeNo === n.outTradeNo) &&
        (f.kind === undefined || f.kind === n.kind),
    );
    if (drop >= 0) {
      this.drops.splice(drop, 1);
      record.dropped = true;
      record.finished = true;
      for (const waiter of [...this.waiters]) waiter();
      return;
    }
    for (const waiter of [...this.waiters]) waiter();
    const host = safeHostname(n.url);
    const loopback = host !== undefined && /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/.test(host);
    if (this.options.deliver === false || (!loopback && !this.options.allowNonLoopback)) {
      record.finished = true;
      return;
    }
    const late = this.mode.lateMs ?? 0;
    const p: Pending = {
      record,
      attempts: 0,
      dueSandbox: this.clock.now().getTime() + late,
      dueWall: Date.now() + this.scaled(late),
      running: false,
    };
    if (this.mode.hold) {
      this.held.push(p);
      return;
    }
    this.pending.push(p);
    if (late === 0) this.deliverDue();
    else this.wake(p);
  }

  private scaled(ms: number): number {
    return ms === 0 ? 0 : Math.max(1, Math.round(ms / (this.options.compression ?? 1000)));
  }

  /** A real-time timer for when `p` falls due at the speed factor. */
  private wake(p: Pending): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.deliverDue();
      },
      Math.max(0, p.dueWall - Date.now()),
    );
    this.timers.add(timer);
  }

  private async attempt(p: Pending): Promise<void> {
    if (this.closed) return;
    p.running = true;
    const { record } = p;
    const sandboxAt = this.clock.now();
    const senders = this.mode.senders ?? 1;
    const copies = 1 + (this.mode.duplicates ?? 0);
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    let acknowledged = false;
    for (let copy = 0; copy < copies && !this.closed; copy += 1) {
      // Several WeChat servers may send the same attempt at once: parallel connections.
      const outcomes = await Promise.all(
        Array.from({ length: senders }, async (_, sender) => {
          const at = new Date();
          const outcome = await post(record.url, record.headers, record.body, timeoutMs);
          record.deliveries.push({ at, sandboxAt, sender, ...outcome });
          return outcome;
        }),
      );
      if (outcomes.some((o) => o.status === 200 || o.status === 204)) acknowledged = true;
    }
    p.attempts += 1;
    p.running = false;
    if (acknowledged) {
      record.delivered = true;
      record.finished = true;
      this.pending.splice(this.pending.indexOf(p), 1);
      return;
    }
    const delay = WECHAT_NOTIFY_SCHEDULE_MS[p.attempts - 1];
    if (delay === undefined || this.closed) {
      record.finished = true;
      this.pending.splice(this.pending.indexOf(p), 1);
      return;
    }
    // The next retry counts from this attempt, on the sandbox clock and at the speed factor.
    p.dueSandbox = sandboxAt.getTime() + delay;
    p.dueWall = Date.now() + this.scaled(delay);
    this.wake(p);
  }
}

function safeHostname(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = request(url, { method: "POST", headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => resolve({ error: error.message }));
    req.end(body);
  });
}

export type { DeliveryMode };
