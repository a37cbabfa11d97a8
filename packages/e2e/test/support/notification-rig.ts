import { request } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { AlipayProvider } from "@paybridge/alipay";
import {
  cny,
  createPayBridgeContainer,
  type ExpectedOrder,
  MemoryLogger,
  MemoryRefundLedger,
  type NotificationEvent,
  NotificationIntake,
  type PaymentGateway,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import {
  type AlipaySandbox,
  ManualClock,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";

/*
 * What every notification adapter test stands on: both sandboxes, a gateway with one WeChat
 * merchant ("wx-main") and one Alipay merchant ("ali-main"), an intake whose events are recorded,
 * and the genuine signed notifications the sandboxes send.
 */

/** A body limit small enough to test both sides of cheaply. */
export const SMALL_LIMIT = 4096;

/** Never delivered: the notification is only captured, then sent by the test itself. */
const UNREACHABLE_NOTIFY_URL = "http://127.0.0.1:9/unreachable";

export interface NotificationRig {
  readonly wechat: WechatSandbox;
  readonly alipay: AlipaySandbox;
  readonly gateway: PaymentGateway;
  readonly ledger: MemoryRefundLedger;
  readonly book: Map<string, ExpectedOrder>;
  readonly logger: MemoryLogger;
  readonly intake: NotificationIntake;
  /** Every event the intake applied, in order. */
  readonly events: NotificationEvent[];
  /** Unhandled rejections seen while the rig ran: an adapter must cause none. */
  readonly unhandled: unknown[];
  close(): Promise<void>;
}

export async function startNotificationRig(): Promise<NotificationRig> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  const clock = new ManualClock(Date.now());
  const wechat = await startWechatSandbox({
    clock,
    merchants: [{ keyMode: "public_key" }],
    allowLoopbackHttpNotify: true,
  });
  const alipay = await startAlipaySandbox();
  const container = createPayBridgeContainer();
  registerProvider(container, WechatPayProvider);
  registerProvider(container, AlipayProvider);
  registerMerchant(container, { id: "wx-main", provider: "wechatpay", config: wechat.merchantConfig() });
  registerMerchant(container, { id: "ali-main", provider: "alipay", config: alipay.merchantConfig() });
  const gateway = resolveGateway(container);
  const ledger = new MemoryRefundLedger();
  const book = new Map<string, ExpectedOrder>();
  const logger = new MemoryLogger();
  const events: NotificationEvent[] = [];
  const intake = new NotificationIntake({
    gateway,
    ledger,
    orders: async (no) => book.get(no),
    logger,
    onEvent: (event) => {
      events.push(event);
    },
  });
  return {
    wechat,
    alipay,
    gateway,
    ledger,
    book,
    logger,
    intake,
    events,
    unhandled,
    async close() {
      process.off("unhandledRejection", onUnhandled);
      await wechat.close();
      await alipay.close();
    },
  };
}

export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  // Bounded by the test timeout, not by a time budget of its own.
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Events the intake applied for one order. */
export function eventsFor(rig: NotificationRig, outTradeNo: string): NotificationEvent[] {
  return rig.events.filter(
    (e) => (e.kind === "trade" ? e.trade.outTradeNo : e.refund.outTradeNo) === outTradeNo,
  );
}

/** A WeChat order paid in the sandbox, which sends its signed notification to `notifyUrl`. */
export async function payWechatOrder(
  rig: NotificationRig,
  fen: number,
  notifyUrl: string = UNREACHABLE_NOTIFY_URL,
): Promise<string> {
  const outTradeNo = uniqueOutTradeNo("AD");
  rig.book.set(outTradeNo, { outTradeNo, provider: "wechatpay", merchantId: "wx-main", amount: cny(fen) });
  await rig.gateway.forMerchant("wx-main").createPayment({
    outTradeNo,
    description: "adapter test",
    amount: cny(fen),
    method: "native",
    notifyUrl,
  });
  rig.wechat.control.pay(outTradeNo);
  return outTradeNo;
}

/** A genuine signed WeChat payment notification, captured instead of delivered. */
export async function capturedWechatNotification(rig: NotificationRig, fen: number) {
  const outTradeNo = await payWechatOrder(rig, fen);
  const note = await rig.wechat.control.nextNotification(outTradeNo, "trade");
  return { outTradeNo, headers: note.headers, body: note.body };
}

/** An Alipay order paid in the sandbox, its notification sent to `notifyUrl`. */
export async function payAlipayOrder(rig: NotificationRig, fen: number, notifyUrl: string): Promise<string> {
  const outTradeNo = uniqueOutTradeNo("AF");
  rig.book.set(outTradeNo, { outTradeNo, provider: "alipay", merchantId: "ali-main", amount: cny(fen) });
  await rig.gateway.forMerchant("ali-main").createPayment({
    outTradeNo,
    description: "表单通知 & 测试 +1",
    amount: cny(fen),
    method: "native",
    notifyUrl,
    attach: "a=1&b=两",
  });
  await rig.alipay.pay(outTradeNo);
  await rig.alipay.settled();
  return outTradeNo;
}

/** What `postUnbounded` saw. */
export interface UnboundedPost {
  readonly status: number;
  /** Bytes the server let the client send before it answered or closed. */
  readonly sent: number;
  /**
   * The most memory this process held alive while sending, above what it held before: Buffers
   * (`arrayBuffers`) plus the JS heap, each read right after a full collection, every 16 MiB
   * sent. Garbage does not count, so a busy machine whose collector lags cannot inflate it (RSS
   * did: 145 MB once, on a discarding server); a server that kept the chunks would show them.
   */
  readonly peakLiveBytes: number;
}

/**
 * POSTs an endless body (chunked, no content-length) until the server answers or closes, and
 * returns the status and how many bytes it let the client send. A server that buffers the whole
 * body would never answer: `cap` (far above any limit) is there only so a broken adapter fails
 * the test instead of filling the machine.
 */
export function postUnbounded(url: string, cap = 256 * 1024 * 1024): Promise<UnboundedPost> {
  const chunk = Buffer.alloc(64 * 1024, "x");
  const gc = fullGc();
  const live = () => {
    gc();
    const { arrayBuffers, heapUsed } = process.memoryUsage();
    return arrayBuffers + heapUsed;
  };
  const liveBefore = live();
  let peakLive = liveBefore;
  let nextSample = SAMPLE_EVERY;
  return new Promise((settle, reject) => {
    let sent = 0;
    const resolve = (result: { status: number; sent: number }) => {
      req.destroy();
      settle({ ...result, peakLiveBytes: peakLive - liveBefore });
    };
    let answered: number | undefined;
    const req = request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      answered = res.statusCode ?? 0;
      res.resume();
      res.on("end", () => resolve({ status: answered ?? 0, sent }));
      res.on("error", () => resolve({ status: answered ?? 0, sent }));
    });
    req.on("error", (err) => {
      // The server may close the socket right after answering, while the client is still writing.
      if (answered !== undefined) resolve({ status: answered, sent });
      else reject(err);
    });
    const pump = () => {
      while (answered === undefined && sent < cap && !req.destroyed) {
        sent += chunk.length;
        if (sent >= nextSample) {
          nextSample += SAMPLE_EVERY;
          peakLive = Math.max(peakLive, live());
        }
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (sent >= cap) req.end();
    };
    pump();
  });
}

const SAMPLE_EVERY = 16 * 1024 * 1024;

/**
 * A full collection on demand: `gc` is exposed at run time the way V8's flags allow
 * (https://nodejs.org/api/v8.html#v8setflagsfromstringflags), in a fresh context that sees it.
 */
function fullGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
