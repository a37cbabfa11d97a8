import { createServer, type IncomingMessage } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { type AnswerRewrite, AnswerRewriteQueue } from "../shared/answer-rewrite.js";
import { OffsetClock, type SandboxClock } from "../shared/clock.js";
import type { DeliveryMode } from "../shared/delivery-mode.js";
import { generateRsaKeyPair, type RsaKeyPair } from "../shared/rsa.js";
import { answerSigner } from "../shared/sign-pool.js";
import { AlipayBillDesk } from "./bills/bill-desk.js";
import { type AlipayCertificates, createAlipayCertificates } from "./certificates.js";
import type { AlipayPayOptions } from "./discounts.js";
import { ALIPAY_FAULT_KINDS, type AlipayFault, FaultQueue } from "./faults.js";
import { AlipayBuyerDesk, type AlipayBuyerPlan } from "./in-person.js";
import { AlipayKeyRing, type AlipayRotateOptions, type AlipayRotation } from "./key-ring.js";
import { AlipayLedger, type SandboxTrade } from "./ledger.js";
import { AlipayNotifier, type CapturedNotification } from "./notifier.js";
import { createGatewayListener, type GatewayCall } from "./server.js";

export interface AlipaySandboxOptions {
  /** The merchant app's id; 16 digits like a real one by default. */
  readonly appId?: string;
  /** How the app signs and verifies: public keys, or public-key certificates with SNs. Default public_key. */
  readonly keyMode?: "public_key" | "certificate";
  /** Bring your own app key pair instead of a generated one. */
  readonly appKeys?: RsaKeyPair;
  /** Alipay's own key pair (e.g. read back from files, so a restarted sandbox keeps it); fresh when omitted. */
  readonly alipayKeys?: RsaKeyPair;
  /** Certificate mode: certificates made earlier for these appKeys / alipayKeys (same SNs); fresh when omitted. */
  readonly certificates?: AlipayCertificates;
  readonly sellerId?: string;
  /**
   * This sandbox plays a merchant that authorised a third-party app (ISV, 第三方应用授权,
   * https://opendocs.alipay.com/isv/10467/xldcyq): every call must carry this app_auth_token
   * (anything else is 20001 aop.invalid-app-auth-token), and notifications name the authorising
   * merchant's app in auth_app_id. startAlipayIsvSandbox puts several behind one gateway.
   */
  readonly authorization?: { readonly appAuthToken: string; readonly authAppId: string };
  /** Refund window after payment in days; past it the trade is TRADE_FINISHED. Default 365. */
  readonly refundWindowDays?: number;
  /** alipay.trade.cancel is accepted this many hours after creation. Default 24. */
  readonly cancelWindowHours?: number;
  /** Seller balance in fen that refunds draw on (payments add to it); unlimited when omitted. */
  readonly sellerBalanceFen?: number;
  /** Where the sandbox's clock starts. Default: now. */
  readonly startTime?: Date;
  /**
   * The sandbox's business clock (expiry, refund windows, a buyer's password wait); an OffsetClock
   * from `startTime` by default. A test passes a faster clock and waits on the same one.
   */
  readonly clock?: SandboxClock;
  /** Port on `host`; 0 (random) by default. */
  readonly port?: number;
  /** Address to bind; 127.0.0.1 by default. */
  readonly host?: string;
  /** Notifications go only to loopback addresses unless this is true. */
  readonly allowNonLoopbackNotify?: boolean;
  /** How long one notification delivery may take. Default 5000 ms. */
  readonly notifyTimeoutMs?: number;
  /** How notifications travel from the start: duplicates, several senders, late, held (see DeliveryMode). */
  readonly notify?: DeliveryMode;
  /**
   * Write "/" as "\/" inside signed answers, as the live gateway does (default true). The signature
   * covers the escaped bytes, so only a client that verifies the exact bytes it received passes.
   */
  readonly escapeSlashes?: boolean;
  /**
   * Worker threads that sign answers and notifications (default 0: on the event loop). A simulator
   * in the same process as the app under test (the checkout demo) turns them on, so its signing
   * does not hold the app's event loop under load.
   */
  readonly signingThreads?: number;
  /**
   * Answer a done refund's query without refund_status, as older products did (default false: the
   * current https://opendocs.alipay.com/open/02ekfl answers refund_status REFUND_SUCCESS).
   */
  readonly refundQueryOmitsStatus?: boolean;
  /**
   * For this long after a refund, its query answers without refund data ("not received"), as a
   * gateway that has not recorded it yet: the current refund query page asks clients to query no
   * sooner than 10 s after the refund request. Default 0 (recorded at once).
   */
  readonly refundQuerySettleMs?: number;
}

/** What a merchant needs to talk to this sandbox, in the same shape as @paybridge/alipay's config. */
export interface AlipaySandboxMerchantConfig {
  readonly appId: string;
  /** The seller's Alipay user id (PID) the sandbox puts in seller_id. */
  readonly sellerId: string;
  readonly privateKey: string;
  readonly gateway: string;
  readonly keyMode:
    | { readonly type: "public_key"; readonly alipayPublicKey: string }
    | {
        readonly type: "certificate";
        readonly appCertContent: string;
        readonly alipayPublicCertContent: string;
        readonly alipayRootCertContent: string;
      };
}

export interface AlipaySandbox {
  /** http://127.0.0.1:PORT/gateway.do: give it to alipay-sdk as `gateway`. */
  readonly gatewayUrl: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly appId: string;
  readonly sellerId: string;
  readonly keyMode: "public_key" | "certificate";
  /** The app's key pair (the merchant signs with it) and Alipay's key pair (the sandbox signs with it). */
  readonly appKeys: RsaKeyPair;
  readonly alipayKeys: RsaKeyPair;
  /** Certificate mode only. */
  readonly certificates: AlipayCertificates | undefined;
  /** Ready-made merchant configuration for @paybridge/alipay (and, field by field, for alipay-sdk). */
  merchantConfig(): AlipaySandboxMerchantConfig;
  now(): Date;
  /** Moves the sandbox clock: expires unpaid trades, ends refund windows, sends due notification retries. */
  advanceClock(ms: number): Promise<void>;
  /** The buyer pays, with vouchers or points if given; resolves after the first notification attempt. */
  pay(outTradeNo: string, options?: AlipayPayOptions): Promise<SandboxTrade>;
  /**
   * How the buyer showing `authCode` at the counter behaves in alipay.trade.pay (bar_code): pays at
   * once (default), after N ms of password entry, never, gives up after N ms, or is refused.
   */
  planBuyer(authCode: string, plan: AlipayBuyerPlan): void;
  /** The buyer's attempt fails; the trade stays WAIT_BUYER_PAY. */
  fail(outTradeNo: string): SandboxTrade;
  /** A buyer scans a precreated trade's QR code without paying yet: query and close now find it. */
  scan(outTradeNo: string): SandboxTrade;
  /** Opens an app-pay order string as the Alipay app would; returns the trade it created. */
  openAppOrder(orderString: string): Promise<{ out_trade_no: string; trade_no: string; cashier_url: string }>;
  injectFault(fault: AlipayFault): void;
  /** Drops every fault not yet consumed (a test's faults must not hit the next case's calls). */
  clearFaults(): void;
  /** How notifications travel from now on: duplicates, several senders, late, held (see DeliveryMode). */
  setDeliveryMode(mode: DeliveryMode): void;
  /** Sends held notifications (built order, or "reverse": newest first); resolves with how many once attempted. */
  releaseNotifications(order?: "built" | "reverse"): Promise<number>;
  /**
   * The next answer of `operation` (a method such as "alipay.trade.query"; any when omitted) goes
   * out with fields set or removed, still signed: an answer about another order or refund, or
   * one without an optional field.
   */
  rewriteAnswer(rewrite: AnswerRewrite): void;
  readonly pendingFaults: number;
  /**
   * Certificate mode: issues a new Alipay public-key certificate (a new key too unless `keepKey`)
   * from the sandbox root, or a rogue one (`rogue`); every later answer, notification and return
   * URL is signed with it and carries its SN. `certificates` and `merchantConfig()` keep what the
   * merchant was given at the start, as a deployed merchant's files do.
   */
  rotateCertificate(options?: AlipayRotateOptions): Promise<AlipayRotation>;
  /** Certificate mode: the alipay_cert_sn answers carry now. */
  currentCertSn(): string | undefined;
  /** The SNs alipay.open.app.alipaycert.download was asked for, oldest first. */
  certificateDownloads(): readonly string[];
  /** Gateway requests received (API calls, page/wap links opened, app order strings opened). */
  requestCount(): number;
  /** Every signature-verified API call so far, oldest first, with its sandbox arrival time. */
  calls(): readonly GatewayCall[];
  /** Every notification delivery attempt so far, oldest first. */
  notifications(): readonly CapturedNotification[];
  /** Resolves when the notifications already due have been attempted. */
  settled(): Promise<void>;
  trade(outTradeNo: string): SandboxTrade | undefined;
  setSellerBalance(fen: number | undefined): void;
  close(): Promise<void>;
}

/** Starts a stateful, signing Alipay gateway on 127.0.0.1 (see docs/providers/alipay.md). */
export async function startAlipaySandbox(options: AlipaySandboxOptions = {}): Promise<AlipaySandbox> {
  const appId = options.appId ?? "2021000149617001";
  const sellerId = options.sellerId ?? "2088721000218841";
  const keyMode = options.keyMode ?? "public_key";
  const appKeys = options.appKeys ?? generateRsaKeyPair();
  const alipayKeys = options.alipayKeys ?? generateRsaKeyPair();
  const certificates =
    keyMode === "certificate"
      ? (options.certificates ?? (await createAlipayCertificates(alipayKeys, appKeys, appId)))
      : undefined;
  const clock = options.clock ?? new OffsetClock(Date.now, options.startTime);
  const buyers = new AlipayBuyerDesk();
  const faults = new FaultQueue();
  const keyRing = new AlipayKeyRing(alipayKeys, certificates);
  const rewrites = new AnswerRewriteQueue();
  const signer = answerSigner(options.signingThreads);
  const notifier = new AlipayNotifier({
    signer,
    appId,
    authAppId: options.authorization?.authAppId,
    sellerId,
    signingKey: () => keyRing.current.privateKey,
    clock,
    allowNonLoopback: options.allowNonLoopbackNotify ?? false,
    timeoutMs: options.notifyTimeoutMs ?? 5000,
    ...options.notify,
  });
  const ledger = new AlipayLedger(
    {
      refundWindowDays: options.refundWindowDays ?? 365,
      cancelWindowHours: options.cancelWindowHours ?? 24,
      sellerBalanceFen: options.sellerBalanceFen,
    },
    (event) => notifier.enqueue(event),
  );
  let requests = 0;
  const calls: GatewayCall[] = [];
  const held = new Set<() => void>();
  let origin = "";

  const control = {
    async pay(outTradeNo: string, options?: AlipayPayOptions) {
      const trade = ledger.pay(outTradeNo, clock.now(), options);
      await notifier.flush();
      return trade;
    },
    fail: (outTradeNo: string) => ledger.failPayment(outTradeNo, clock.now()),
    scan: (outTradeNo: string) => ledger.scan({ outTradeNo }, clock.now()),
    async advanceClock(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward, got ${ms} ms`);
      const target = clock.now().getTime() + ms;
      // Step through every retry that falls due on the way, so each attempt happens at its own time.
      for (;;) {
        await notifier.flush();
        const due = notifier.nextDueAt()?.getTime();
        if (due === undefined || due > target) break;
        clock.advance(Math.max(0, due - clock.now().getTime()));
        ledger.refreshAll(clock.now());
      }
      clock.advance(Math.max(0, target - clock.now().getTime()));
      ledger.refreshAll(clock.now());
      await notifier.flush();
    },
    injectFault(fault: AlipayFault) {
      if (!ALIPAY_FAULT_KINDS.includes(fault.kind))
        throw new TypeError(
          `unknown fault kind ${String(fault.kind)} (one of ${ALIPAY_FAULT_KINDS.join(", ")})`,
        );
      faults.push(fault);
    },
    setDeliveryMode: (mode: DeliveryMode) => notifier.setMode(mode),
    releaseNotifications: (order?: "built" | "reverse") => notifier.release(order),
    rotateCertificate: (rotate: AlipayRotateOptions) => keyRing.rotate(rotate),
    state: () => ({
      now: clock.now().toISOString(),
      requestCount: requests,
      pendingFaults: faults.pending,
      sellerBalanceFen: ledger.sellerBalanceFen ?? null,
      trades: ledger.trades().map((t) => ({ ...t, refunds: [...t.refunds.values()] })),
    }),
  };

  const server = createServer(
    createGatewayListener({
      app: {
        appId,
        appPublicKeyPem: appKeys.publicKey,
        keyMode,
        appCertSn: certificates?.appCertSn,
        alipayRootCertSn: certificates?.alipayRootCertSn,
      },
      sellerId,
      appAuthToken: options.authorization?.appAuthToken,
      keyRing,
      bills: new AlipayBillDesk(ledger, clock, sellerId),
      buyers,
      ledger,
      notifier,
      faults,
      rewrites,
      clock,
      escapeSlashes: options.escapeSlashes ?? true,
      signer,
      refundQueryOmitsStatus: options.refundQueryOmitsStatus ?? false,
      refundQuerySettleMs: options.refundQuerySettleMs ?? 0,
      origin: () => origin,
      recordCall: (call) => {
        calls.push(call);
      },
      countRequest: () => {
        requests += 1;
      },
      hold: (req: IncomingMessage) =>
        new Promise<void>((resolve) => {
          const release = () => {
            held.delete(release);
            resolve();
          };
          held.add(release);
          req.socket.once("close", release);
        }),
      control,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const host = options.host ?? "127.0.0.1";
  origin = `http://${isIP(host) === 6 ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;

  return {
    gatewayUrl: `${origin}/gateway.do`,
    origin,
    appId,
    sellerId,
    keyMode,
    appKeys,
    alipayKeys,
    certificates,
    merchantConfig: () => ({
      appId,
      sellerId,
      privateKey: appKeys.privateKey,
      gateway: `${origin}/gateway.do`,
      keyMode: certificates
        ? {
            type: "certificate",
            appCertContent: certificates.appCertContent,
            alipayPublicCertContent: certificates.alipayPublicCertContent,
            alipayRootCertContent: certificates.alipayRootCertContent,
          }
        : { type: "public_key", alipayPublicKey: alipayKeys.publicKey },
    }),
    now: () => clock.now(),
    advanceClock: (ms) => control.advanceClock(ms),
    pay: (outTradeNo, options) => control.pay(outTradeNo, options),
    planBuyer: (authCode, plan) => buyers.plan(authCode, plan),
    fail: (outTradeNo) => control.fail(outTradeNo),
    scan: (outTradeNo) => control.scan(outTradeNo),
    async openAppOrder(orderString) {
      const res = await fetch(`${origin}/__sandbox/app-pay`, { method: "POST", body: orderString });
      const body = (await res.json()) as Record<string, string>;
      if (!res.ok) throw new Error(`app order refused: ${JSON.stringify(body)}`);
      return body as { out_trade_no: string; trade_no: string; cashier_url: string };
    },
    injectFault: (fault) => control.injectFault(fault),
    clearFaults: () => faults.clear(),
    setDeliveryMode: (mode) => control.setDeliveryMode(mode),
    releaseNotifications: (order) => control.releaseNotifications(order),
    rewriteAnswer: (rewrite) => rewrites.push(rewrite),
    get pendingFaults() {
      return faults.pending;
    },
    rotateCertificate: (rotate = {}) => control.rotateCertificate(rotate),
    currentCertSn: () => keyRing.current.certSn,
    certificateDownloads: () => keyRing.downloads,
    requestCount: () => requests,
    calls: () => calls,
    notifications: () => notifier.notifications,
    settled: () => notifier.flush(),
    trade: (outTradeNo) => ledger.lookup({ outTradeNo }, clock.now()),
    setSellerBalance: (fen) => ledger.setSellerBalance(fen),
    async close() {
      for (const release of [...held]) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await signer.close();
    },
  };
}
