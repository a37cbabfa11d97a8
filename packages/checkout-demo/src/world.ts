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
  type OffsetClock,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatCloudPayProvider, WechatPayProvider } from "@paybridge/wechatpay";
import { ProviderCallLimits } from "./call-limit.js";
import { CheckoutBook } from "./checkout-book.js";
import { newConsoleToken } from "./http/security.js";
import { OrderBook } from "./order-book.js";
import { startSandboxChild } from "./sandbox-child.js";
import {
  endpointsOf,
  type SandboxBuyer,
  type SimulatorEndpoints,
  simulatorBuyer,
  startDemoSimulators,
} from "./simulators.js";

/** Merchant account ids of the demo shop. */
export const MERCHANTS = { wechat: "wx-main", wechatCloud: "wx-cloud", alipay: "ali-main" } as const;

/**
 * Provider calls the cashier makes at once per merchant account; more wait their turn before they
 * start (CallLimit). Enough to keep loopback round trips overlapping (a call is a few ms of work
 * on each side); few enough that a started call never queues behind a whole burst of checkouts
 * (checkout-load: 200 at once, each opening two payments and later closing one).
 */
export const PROVIDER_CALLS_AT_ONCE = 16;

/**
 * What the shop's HTTP side runs on: the gateway with its merchant accounts, the ledger, the books,
 * and the buyer's hands at the simulators (sandbox-only routes). The simulators themselves may run
 * in this process (World) or in a child process (`pnpm demo:serve`, see SandboxPlacement).
 */
export interface ShopWorld {
  readonly gateway: PaymentGateway;
  readonly refunds: RefundService;
  readonly intake: NotificationIntake;
  readonly orders: OrderBook;
  readonly checkouts: CheckoutBook;
  /** The shop's configured public origin: notify and return URLs are built from it. */
  readonly publicOrigin: string;
  /** Opens the merchant console and its API; printed at start-up, fresh on every start. */
  readonly consoleToken: string;
  /** Business time; the refund engine reads the same clock. In process, the WeChat simulator's. */
  readonly clock: { now(): Date };
  /** The cashier's provider calls wait here for a turn, per merchant account (see CallLimit). */
  readonly providerCalls: ProviderCallLimits;
  /** Plays the buyer at the simulators (the cashier's sandbox-pay and sandbox-fail). */
  readonly buyer: SandboxBuyer;
  /** Where the simulators listen, for the start-up lines. */
  readonly sandboxOrigins: { readonly wechat: string; readonly alipay: string };
  close(): Promise<void>;
}

/**
 * Everything the demo runs in one process: both simulators, the gateway with three merchant
 * accounts (the third reaches WeChat through CloudPay, whose simulator shares the WeChat engine),
 * the ledger. The scripted run and the tests use it: they move the sandbox clock, inject faults and
 * read the simulators' books.
 */
export interface World extends ShopWorld {
  readonly wechat: WechatSandbox;
  readonly alipay: AlipaySandbox;
  readonly cloudPay: CloudPaySimulator;
  /** Business time of the WeChat simulator; the same object as `clock`. */
  readonly wechatClock: OffsetClock;
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

/**
 * Where the simulators run. "in-process" shares the shop's event loop (the scripted run and the
 * tests need it: CloudPay's simulator shares the WeChat engine, the scenario moves the sandbox
 * clock). "process" runs them in a child process (sandbox-process.ts) that the shop reaches over
 * loopback HTTP, as it would reach the providers: `pnpm demo:serve` does, since under 200
 * concurrent checkouts their share of one event loop made the shop's Alipay calls wait past
 * Alipay's 5 s timeout (docs/performance.md, "Checkout load").
 */
export type SandboxPlacement = "in-process" | "process";

async function openLedger(kind: DemoLedger): Promise<{ ledger: RefundLedger; close(): Promise<void> }> {
  if (kind === "memory") return { ledger: new MemoryRefundLedger(), close: async () => {} };
  const db: SqlClient = await openPglite();
  await migrate(db);
  return { ledger: new PostgresRefundLedger(db), close: () => db.close() };
}

/**
 * Wires PayBridge to the simulators exactly as a backend would wire it to production: one
 * container, providers registered once, a router by the buyer's client, a refund ledger (in memory
 * or on PGlite here, see DemoLedger; PostgresRefundLedger on a server in production). The CloudPay
 * merchant is registered only when its simulator runs in this process.
 */
async function wireShop(
  endpoints: SimulatorEndpoints,
  { notifyOrigin, consoleToken, ledger: kind }: WorldOptions,
  clock: { now(): Date },
  buyer: SandboxBuyer,
  cloudPay: CloudPaySimulator | undefined,
  closeSimulators: () => Promise<void>,
): Promise<ShopWorld> {
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
    config: endpoints.wechatConfig,
  });
  if (cloudPay) {
    // The same WeChat merchant reached through CloudPay (a cloud function's cloud.cloudPay): it can
    // list every refund of an order, which APIv3 cannot.
    registerMerchant(container, {
      id: MERCHANTS.wechatCloud,
      provider: "wechatpay-cloud",
      config: {
        subMchId: endpoints.wechatConfig.mchid,
        envId: "demo-env",
        functionName: "payCallback",
        cloudPay,
      },
    });
  }
  registerMerchant(container, { id: MERCHANTS.alipay, provider: "alipay", config: endpoints.alipayConfig });
  const gateway = resolveGateway(container);

  const store = await openLedger(kind ?? "memory");
  const ledger = store.ledger;
  const businessClock: Clock = () => clock.now();
  const refunds = new RefundService({
    gateway,
    ledger,
    clock: businessClock,
    notifyUrl: `${notifyOrigin}/notify/${MERCHANTS.wechat}`,
    retry: { baseDelayMs: 100, maxDelayMs: 1000 },
  });
  const orders = new OrderBook();
  const intake = new NotificationIntake({
    gateway,
    ledger,
    clock: businessClock,
    orders: async (outTradeNo) => orders.expected(outTradeNo),
    onEvent: (event) => orders.apply(event),
  });

  return {
    gateway,
    refunds,
    intake,
    orders,
    checkouts: new CheckoutBook(),
    publicOrigin: notifyOrigin,
    consoleToken: consoleToken ?? newConsoleToken(),
    clock,
    providerCalls: new ProviderCallLimits(PROVIDER_CALLS_AT_ONCE),
    buyer,
    sandboxOrigins: { wechat: endpoints.wechatOrigin, alipay: endpoints.alipayGatewayUrl },
    async close() {
      await closeSimulators();
      await store.close();
    },
  };
}

/** Starts the simulators in this process and the shop's PayBridge wiring on them (see World). */
export async function startWorld(options: WorldOptions): Promise<World> {
  const simulators = await startDemoSimulators();
  const { wechat, alipay, wechatClock } = simulators;
  const cloudPay = new CloudPaySimulator({ engine: wechat.engine });
  const shop = await wireShop(
    endpointsOf(simulators),
    options,
    wechatClock,
    simulatorBuyer(simulators),
    cloudPay,
    async () => {
      cloudPay.close();
      await simulators.close();
    },
  );
  return { ...shop, wechat, alipay, cloudPay, wechatClock };
}

/**
 * Starts the shop's world with the simulators where `placement` says: in this process (a World), or
 * in a child process, reached over loopback HTTP and, for the buyer's hands, its IPC channel.
 */
export async function startShopWorld(
  options: WorldOptions & { readonly placement: SandboxPlacement },
): Promise<ShopWorld> {
  if (options.placement === "in-process") return startWorld(options);
  const child = await startSandboxChild();
  // The child's simulators read the system clock (nothing moves it in serve mode); so does the shop.
  const clock = { now: () => new Date() };
  try {
    return await wireShop(child.endpoints, options, clock, child.buyer, undefined, () => child.close());
  } catch (error) {
    await child.close();
    throw error;
  }
}
