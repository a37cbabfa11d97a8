import { AlipayProvider } from "@paybridge/alipay";
import {
  type Clock,
  createPayBridgeContainer,
  MemoryRefundLedger,
  NotificationIntake,
  type PaymentGateway,
  type RefundLedger,
  RefundService,
  registerMerchant,
  registerProvider,
  resolveGateway,
  routeByClient,
} from "@paybridge/core";
import { migrate, openPglite, PostgresRefundLedger, type SqlClient } from "@paybridge/postgres";
import {
  type AlipaySandbox,
  CloudPaySimulator,
  OffsetClock,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatCloudPayProvider, WechatPayProvider } from "@paybridge/wechatpay";
import { CheckoutBook } from "./checkout-book.js";
import { newConsoleToken } from "./http/security.js";
import { OrderBook } from "./order-book.js";

/** Merchant account ids of the demo shop. */
export const MERCHANTS = { wechat: "wx-main", wechatCloud: "wx-cloud", alipay: "ali-main" } as const;

/** Everything the demo runs: both simulators, the gateway with three merchant accounts, the ledger. */
export interface World {
  readonly wechat: WechatSandbox;
  readonly alipay: AlipaySandbox;
  readonly cloudPay: CloudPaySimulator;
  readonly gateway: PaymentGateway;
  readonly refunds: RefundService;
  readonly intake: NotificationIntake;
  readonly orders: OrderBook;
  readonly checkouts: CheckoutBook;
  /** The shop's configured public origin: notify and return URLs are built from it. */
  readonly publicOrigin: string;
  /** Opens the merchant console and its API; printed at start-up, fresh on every start. */
  readonly consoleToken: string;
  /** Business time of the WeChat simulator; the refund engine reads the same clock. */
  readonly wechatClock: OffsetClock;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Where providers send notifications: the demo server's origin, known before the world starts. */
  readonly notifyOrigin: string;
  /** The console token; a fresh random one when omitted. */
  readonly consoleToken?: string;
  /** Where orders and refunds are booked (see DemoLedger); "memory" when omitted. */
  readonly ledger?: DemoLedger;
}

/**
 * The demo's ledger. "memory" is core's MemoryRefundLedger, the default: the demo is one process
 * and keeps nothing across restarts, and under load (200 checkouts at once, the checkout-load
 * bench) an in-memory PGlite took 14-17% of the server's CPU and 3-4 s of its start-up for a
 * database that was thrown away at exit. "pglite" runs the same on PostgresRefundLedger over
 * embedded PGlite, the SQL ledger a backend runs on PostgreSQL (`--ledger=pglite`).
 */
export type DemoLedger = "memory" | "pglite";

async function openLedger(kind: DemoLedger): Promise<{ ledger: RefundLedger; close(): Promise<void> }> {
  if (kind === "memory") return { ledger: new MemoryRefundLedger(), close: async () => {} };
  const db: SqlClient = await openPglite();
  await migrate(db);
  return { ledger: new PostgresRefundLedger(db), close: () => db.close() };
}

/**
 * Starts the simulators on loopback and wires PayBridge to them exactly as a backend would wire it
 * to production: one container, providers registered once, a router by the buyer's client, a
 * refund ledger (in memory or on PGlite here, see DemoLedger; PostgresRefundLedger on a server in
 * production).
 */
export async function startWorld({ notifyOrigin, consoleToken, ledger: kind }: WorldOptions): Promise<World> {
  const wechatClock = new OffsetClock();
  // The simulators share the shop's process, and so its event loop: each signs its answers on a
  // worker thread of its own, which under load (checkout-load: 200 checkouts at once) took about
  // half the RSA signing, the largest single cost, off the shop's loop.
  // Refunds settle after 1.5 s of sandbox time, so the scripted run shows PROCESSING -> SUCCESS.
  const wechat = await startWechatSandbox({
    allowLoopbackHttpNotify: true,
    clock: wechatClock,
    refundDelayMs: 1500,
    merchants: [{ keyMode: "public_key" }],
    signingThreads: 1,
  });
  const alipay = await startAlipaySandbox({ signingThreads: 1 });
  const cloudPay = new CloudPaySimulator({ engine: wechat.engine });
  const m = wechat.merchant();

  const container = createPayBridgeContainer({
    router: routeByClient({ wechat: MERCHANTS.wechat, alipay: MERCHANTS.alipay }),
  });
  registerProvider(container, WechatPayProvider);
  registerProvider(container, WechatCloudPayProvider);
  registerProvider(container, AlipayProvider);
  registerMerchant(container, {
    id: MERCHANTS.wechat,
    provider: "wechatpay",
    default: true,
    config: wechat.merchantConfig(),
  });
  // The same WeChat merchant reached through CloudPay (a cloud function's cloud.cloudPay): it can
  // list every refund of an order, which APIv3 cannot.
  registerMerchant(container, {
    id: MERCHANTS.wechatCloud,
    provider: "wechatpay-cloud",
    config: { subMchId: m.mchid, envId: "demo-env", functionName: "payCallback", cloudPay },
  });
  registerMerchant(container, { id: MERCHANTS.alipay, provider: "alipay", config: alipay.merchantConfig() });
  const gateway = resolveGateway(container);

  const store = await openLedger(kind ?? "memory");
  const ledger = store.ledger;
  const clock: Clock = () => wechatClock.now();
  const refunds = new RefundService({
    gateway,
    ledger,
    clock,
    notifyUrl: `${notifyOrigin}/notify/${MERCHANTS.wechat}`,
    retry: { baseDelayMs: 100, maxDelayMs: 1000 },
  });
  const orders = new OrderBook();
  const intake = new NotificationIntake({
    gateway,
    ledger,
    clock,
    orders: async (outTradeNo) => orders.expected(outTradeNo),
    onEvent: (event) => orders.apply(event),
  });

  return {
    wechat,
    alipay,
    cloudPay,
    gateway,
    refunds,
    intake,
    orders,
    checkouts: new CheckoutBook(),
    publicOrigin: notifyOrigin,
    consoleToken: consoleToken ?? newConsoleToken(),
    wechatClock,
    async close() {
      cloudPay.close();
      await Promise.all([wechat.close(), alipay.close()]);
      await store.close();
    },
  };
}
