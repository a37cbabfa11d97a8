import { alipayConfigSchema } from "@paybridge/alipay";
import { wechatPayV3ConfigSchema } from "@paybridge/wechatpay";
import { median } from "./ratio.js";

/**
 * Sandbox throughput (issue 15, item 6): many buyers check out at once through the demo shop over
 * HTTP, as the cashier page does: open a checkout (the shop creates a WeChat Pay Native and an
 * Alipay precreate payment at the simulators), pay it at the simulator (the shop's sandbox-pay),
 * then poll the checkout until the shop has booked it paid, which it learns only from the
 * provider's signed notification; the first poll that sees it paid closes the other payment at its
 * provider (close + query), as the cashier does so a second wallet cannot take the money too.
 */

// A desktop browser: the cashier offers WeChat Native and Alipay QR (CHANNELS_BY_CLIENT.desktop).
const DESKTOP_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const CHANNELS = ["wechat_native", "alipay_qr"] as const;

export interface CheckoutLoadOptions {
  /** Checkouts started at once per round (the issue: 200). */
  readonly concurrency: number;
  /** How often a buyer's page asks the shop for the checkout's status, ms (the cashier page: 1000). */
  readonly pollMs?: number;
  /** A checkout not paid by then counts as failed, ms. */
  readonly deadlineMs?: number;
}

export interface RoundResult {
  readonly checkouts: number;
  readonly failures: number;
  /** The first few failure messages, for the report. */
  readonly errors: readonly string[];
  /** Open to paid-seen, ms, per successful checkout. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Slowest single shop request (a provider call happens inside open and the first paid poll), ms. */
  readonly requestP99Ms: number;
  readonly requestMaxMs: number;
  /** Slowest request of each kind: open (two provider calls), sandbox-pay, status poll (the first paid one closes the other payment). */
  readonly phaseMaxMs: Readonly<Record<Phase, number>>;
  /** Shop requests sent in the round, polls included. */
  readonly requests: number;
  readonly wallMs: number;
}

export type Phase = "open" | "pay" | "poll";

/** How often the cashier page asks for the checkout's status (public/cashier/main.js: setInterval 1000). */
export const CASHIER_POLL_MS = 1000;

/** The providers' client timeouts the demo runs with (their config defaults). */
export function providerTimeouts(): { wechatMs: number; alipayMs: number } {
  return {
    wechatMs: wechatPayV3ConfigSchema.shape.timeoutMs.parse(undefined),
    alipayMs: alipayConfigSchema.shape.timeoutMs.parse(undefined),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

class ShopClient {
  readonly requestMs: number[] = [];
  readonly phaseMaxMs: Record<Phase, number> = { open: 0, pay: 0, poll: 0 };
  constructor(private readonly origin: string) {}

  async call<T>(phase: Phase, method: string, path: string, body?: unknown): Promise<T> {
    const start = performance.now();
    const res = await fetch(`${this.origin}${path}`, {
      method,
      headers: {
        "user-agent": DESKTOP_UA,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    const took = performance.now() - start;
    this.requestMs.push(took);
    this.phaseMaxMs[phase] = Math.max(this.phaseMaxMs[phase], took);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }
}

async function oneCheckout(shop: ShopClient, i: number, pollMs: number, deadlineMs: number): Promise<number> {
  const start = performance.now();
  const { id } = await shop.call<{ id: string }>("open", "POST", "/api/checkout", {
    description: `负载测试 ${i}`,
    amountYuan: `${1 + (i % 50)}.${String(i % 100).padStart(2, "0")}`,
  });
  await shop.call("pay", "POST", `/api/checkout/${id}/sandbox-pay`, { channel: CHANNELS[i % 2] });
  for (;;) {
    const { status } = await shop.call<{ status: string }>("poll", "GET", `/api/checkout/${id}`);
    if (status === "paid") return performance.now() - start;
    if (status !== "pending") throw new Error(`checkout ${id} ended ${status}`);
    if (performance.now() - start > deadlineMs)
      throw new Error(`checkout ${id} not paid within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** One round: `concurrency` checkouts started at once against the running demo server. */
export async function checkoutRound(origin: string, options: CheckoutLoadOptions): Promise<RoundResult> {
  const shop = new ShopClient(origin);
  const pollMs = options.pollMs ?? CASHIER_POLL_MS;
  const deadlineMs = options.deadlineMs ?? 30_000;
  const start = performance.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: options.concurrency }, (_, i) => oneCheckout(shop, i, pollMs, deadlineMs)),
  );
  const wallMs = performance.now() - start;
  const times: number[] = [];
  const errors: string[] = [];
  for (const o of outcomes) {
    if (o.status === "fulfilled") times.push(o.value);
    else errors.push(o.reason instanceof Error ? o.reason.message : String(o.reason));
  }
  return {
    checkouts: options.concurrency,
    failures: errors.length,
    errors: errors.slice(0, 5),
    p50Ms: median(times),
    p99Ms: percentile(times, 99),
    requestP99Ms: percentile(shop.requestMs, 99),
    requestMaxMs: Math.max(...shop.requestMs),
    phaseMaxMs: { ...shop.phaseMaxMs },
    requests: shop.requestMs.length,
    wallMs,
  };
}
