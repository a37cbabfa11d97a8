import { AlipayProvider } from "@paybridge/alipay";
import {
  createPayBridgeContainer,
  type LedgerRefund,
  MemoryRateLimiter,
  MemoryRefundLedger,
  PaymentError,
  type PaymentGateway,
  type RefundLedger,
  RefundService,
  type RefundState,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { connectPostgres, migrate, openPglite, PostgresRefundLedger, quoteSchema } from "@paybridge/postgres";
import {
  type AlipayFaultKind,
  ManualClock,
  startAlipaySandbox,
  startWechatSandbox,
} from "@paybridge/sandbox";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutageLedger, OutageLimiter } from "./support/fault-injectors.js";
import { paidWechatOrder, WECHAT_MERCHANT_ID, wechatConfig, wechatGateway } from "./support/wechat.js";

// Runs per provider, shared out among the ledgers: 1,000 in CI (CI=true), fewer locally;
// PB_PROPERTY_RUNS overrides both. With DATABASE_URL: memory 40%, PGlite 30%, PostgreSQL 30%;
// without it: memory and PGlite half each.
const RUNS = Number(process.env.PB_PROPERTY_RUNS ?? (process.env.CI === "true" ? 1000 : 60));
const PAID = 1000;
/**
 * Faults by meaning; each simulator injects its own spelling. Transient: SYSTEM_ERROR,
 * FREQUENCY_LIMITED (Alipay: a system error stands in), RESPONSE_LOST (the call took effect, its
 * answer is lost; on a query, a lost answer). Final refusals of new money: NOT_ENOUGH,
 * USER_ACCOUNT_ABNORMAL (Alipay: ACQ.SELLER_BALANCE_NOT_ENOUGH for both). Configuration errors,
 * which never close a refund: SIGN_ERROR, NO_AUTH, PARAM_ERROR, MCH_NOT_EXISTS (Alipay:
 * isv.invalid-signature, isv.insufficient-isv-permissions, ACQ.INVALID_PARAMETER,
 * isv.invalid-app-id) and a code no client maps. Each can hit the refund call (first attempt or a
 * resubmission) or the query before a resubmission.
 */
const FAULTS = [
  "SYSTEM_ERROR",
  "RESPONSE_LOST",
  "FREQUENCY_LIMITED",
  "NOT_ENOUGH",
  "USER_ACCOUNT_ABNORMAL",
  "SIGN_ERROR",
  "NO_AUTH",
  "PARAM_ERROR",
  "MCH_NOT_EXISTS",
  "UNMAPPED",
] as const;
type FaultKind = (typeof FAULTS)[number];

type Action =
  | { t: "refund"; n: number; fen: number; approve: boolean }
  | { t: "retry"; n: number }
  | { t: "approve"; n: number }
  | { t: "reject"; n: number }
  | { t: "fault"; kind: FaultKind; op: "refund" | "query_refund"; times: number }
  | { t: "crash"; n: number; fen: number }
  | { t: "advance"; ms: number }
  /** The ledger's next writes fail (StoreUnavailableError), as during a PostgreSQL restart. */
  | { t: "store"; writes: number }
  /** The limiter's next grants fail (LimiterUnavailableError), as while Redis is down. */
  | { t: "limiter"; calls: number }
  /** The provider rotates its signing key between attempts (WeChat: a new platform certificate). */
  | { t: "rotate" };

const n = fc.nat(5);
const fen = fc.integer({ min: 1, max: 700 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("refund" as const), n, fen, approve: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("retry" as const), n }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("approve" as const), n }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("reject" as const), n }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("fault" as const),
      kind: fc.constantFrom(...FAULTS),
      op: fc.constantFrom("refund" as const, "query_refund" as const),
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("crash" as const), n, fen }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 120_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("store" as const), writes: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("limiter" as const), calls: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ t: "rotate" as const }) },
);

/** What the property needs from one provider and its simulator. */
interface Rig {
  readonly gateway: PaymentGateway;
  readonly merchantId: string;
  readonly clock: () => Date;
  /** Moves the simulator's business clock (the engine shares it: its sleeps move it too). */
  sleep(ms: number): Promise<void>;
  paidOrder(outTradeNo: string, fen: number): Promise<void>;
  injectFault(kind: FaultKind, op: "refund" | "query_refund", times: number): void;
  /** Rotates the provider's signing key, when the simulator can; false when it cannot. */
  rotateKey(): boolean;
  /** Uses up faults a run left queued, so the final reconciliation (and the next run) sees none. */
  drainFaults(): Promise<void>;
  /** The simulator's refunds of an order, as unified states. */
  remoteRefunds(outTradeNo: string): { outRefundNo: string; fen: number; state: RefundState }[];
  /** How often the simulator accepted each refund number (must be 1). */
  acceptances(outTradeNo: string): Map<string, number>;
  close(): Promise<void>;
}

const WECHAT_UNIFIED: Record<string, RefundState> = { PROCESSING: 3, SUCCESS: 4, ABNORMAL: 5, CLOSED: 6 };

async function wechatRig(): Promise<Rig> {
  // Business time is a manual clock shared by the simulator and the engine: the one-minute
  // interval, backoff and settlement all run in virtual time, with no sleeps.
  const sandbox = await startWechatSandbox({
    allowLoopbackHttpNotify: true,
    clock: new ManualClock(Date.now()),
    // Platform certificates, so a rotation between attempts changes the key answers are signed with.
    merchants: [{ keyMode: "platform_certificate" }],
    rateLimits: false,
    settleIntervalMs: 60_000,
  });
  const accepted = new Map<string, number>();
  sandbox.engine.onEvent((e) => {
    if (e.kind === "refund" && e.from === undefined) {
      accepted.set(e.refund.outRefundNo, (accepted.get(e.refund.outRefundNo) ?? 0) + 1);
    }
  });
  const gateway = wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin));
  const provider = gateway.forMerchant(WECHAT_MERCHANT_ID);
  const drainOrder = `PD${Date.now().toString(36)}`;
  paidWechatOrder(sandbox, drainOrder, 100);
  const drain = { outTradeNo: drainOrder, outRefundNo: `${drainOrder}D` };
  // Fresh order numbers for fault draining, across all the property's runs.
  let drained = 0;
  const cny = (fen: number) => ({ fen, currency: "CNY" as const });
  await provider.refund({ ...drain, amount: cny(1), total: cny(100) });
  return {
    gateway,
    merchantId: WECHAT_MERCHANT_ID,
    clock: () => sandbox.engine.now(),
    sleep: async (ms) => sandbox.control.advance(Math.max(0, Math.ceil(ms))),
    paidOrder: async (no, fen) => {
      paidWechatOrder(sandbox, no, fen);
    },
    injectFault: (kind, op, times) =>
      sandbox.engine.injectFault(
        { kind: kind === "UNMAPPED" ? "SANDBOX_UNKNOWN_CODE" : kind, operation: op },
        times,
      ),
    rotateKey: () => {
      // The new certificate signs from now on; the client meets an unknown serial and fetches it.
      sandbox.control.rotateCertificate();
      return true;
    },
    drainFaults: async () => {
      // Calls the queued faults can hit, until the simulator holds none. Each uses a fresh order
      // and refund number: business faults never hit a resubmitted number, so repeating one number
      // would "succeed" with faults still queued.
      for (let i = 0; i < 200 && sandbox.engine.faults.pending.length > 0; i++) {
        const order = `${drainOrder}X${drained++}`;
        paidWechatOrder(sandbox, order, 100);
        const fresh = { outTradeNo: order, outRefundNo: `${order}R` };
        await provider.refund({ ...fresh, amount: cny(1), total: cny(100) }).catch(() => {});
        await provider.queryRefund(fresh).catch(() => {});
      }
      expect(sandbox.engine.faults.pending).toEqual([]);
    },
    remoteRefunds: (no) =>
      sandbox.engine
        .refundsOf(no)
        .map((r) => ({ outRefundNo: r.outRefundNo, fen: r.refundFen, state: WECHAT_UNIFIED[r.status] ?? 2 })),
    acceptances: () => accepted,
    close: () => sandbox.close(),
  };
}

const ALIPAY_FAULTS: Record<FaultKind, AlipayFaultKind> = {
  SYSTEM_ERROR: "system_error",
  RESPONSE_LOST: "response_lost",
  FREQUENCY_LIMITED: "system_error",
  NOT_ENOUGH: "balance_not_enough",
  USER_ACCOUNT_ABNORMAL: "balance_not_enough",
  SIGN_ERROR: "invalid_signature",
  NO_AUTH: "insufficient_permissions",
  PARAM_ERROR: "invalid_parameter",
  MCH_NOT_EXISTS: "invalid_app_id",
  UNMAPPED: "unknown_code",
};
const ALIPAY_METHODS = {
  refund: "alipay.trade.refund",
  query_refund: "alipay.trade.fastpay.refund.query",
} as const;

async function alipayRig(): Promise<Rig> {
  const sandbox = await startAlipaySandbox();
  const container = createPayBridgeContainer();
  registerProvider(container, AlipayProvider);
  registerMerchant(container, {
    id: "alipay-main",
    provider: AlipayProvider.id,
    config: { ...sandbox.merchantConfig(), timeoutMs: 2000 },
  });
  const gateway = resolveGateway(container);
  const provider = gateway.forMerchant("alipay-main");
  return {
    gateway,
    merchantId: "alipay-main",
    clock: () => sandbox.now(),
    sleep: (ms) => sandbox.advanceClock(Math.max(0, Math.ceil(ms))),
    paidOrder: async (no, fen) => {
      await provider.createPayment({
        outTradeNo: no,
        amount: { fen, currency: "CNY" },
        description: "refund property",
        method: "native",
        notifyUrl: "http://127.0.0.1:9/alipay/notify",
      });
      await sandbox.pay(no);
    },
    injectFault: (kind, op, times) => {
      for (let i = 0; i < times; i++)
        sandbox.injectFault({ kind: ALIPAY_FAULTS[kind], method: ALIPAY_METHODS[op] });
    },
    // Public-key mode: the Alipay simulator has no key rotation to play mid-run.
    rotateKey: () => false,
    drainFaults: async () => {
      // Faults for a method are only taken by that method: call both until none is left.
      for (let i = 0; i < 100 && sandbox.pendingFaults > 0; i++) {
        await provider.queryRefund({ outTradeNo: "PDRAIN0001", outRefundNo: "PDRAIN0001R" }).catch(() => {});
        await provider
          .refund({
            outTradeNo: "PDRAIN0001",
            outRefundNo: "PDRAIN0001R",
            amount: { fen: 1, currency: "CNY" },
            total: { fen: 1, currency: "CNY" },
          })
          .catch(() => {});
      }
    },
    remoteRefunds: (no) => {
      const trade = sandbox.trade(no);
      // Alipay refunds succeed synchronously: every refund the gateway holds is a success (4).
      return trade
        ? [...trade.refunds.values()].map((r) => ({
            outRefundNo: r.outRequestNo,
            fen: r.amountFen,
            state: 4 as RefundState,
          }))
        : [];
    },
    acceptances: (no) => {
      const trade = sandbox.trade(no);
      const counts = new Map<string, number>();
      if (!trade) return counts;
      for (const r of trade.refunds.values()) counts.set(r.outRequestNo, 1);
      // The gateway's refunded total must be exactly its refunds: a number refunded twice would show here.
      const listed = [...trade.refunds.values()].reduce((s, r) => s + r.amountFen, 0);
      if (trade.refundedFen !== listed) for (const k of counts.keys()) counts.set(k, 2);
      return counts;
    },
    close: () => sandbox.close(),
  };
}

/**
 * Counterexamples the property found, run first on every provider and ledger. 1: Alipay answered a
 * lost refund's resend with fund_change N, the confirming query answered
 * ACQ.SELLER_BALANCE_NOT_ENOUGH, and the engine read that as the refund refused and closed a refund
 * Alipay had paid (seed -1868808593, PostgreSQL ledger; fixed in AlipayProvider.refund).
 * 2: the WeChat rig's recovery "drained" faults by repeating one refund number, which business
 * faults skip, so three unmapped-code faults were still queued when resumePending() drained
 * (seed -292840084, PGlite ledger; fixed in the rig's drainFaults).
 */
const REGRESSIONS: Action[][] = [
  [
    { t: "fault", kind: "RESPONSE_LOST", op: "refund", times: 1 },
    { t: "fault", kind: "USER_ACCOUNT_ABNORMAL", op: "query_refund", times: 1 },
    { t: "crash", n: 0, fen: 1 },
  ],
  [
    { t: "limiter", calls: 2 },
    { t: "fault", kind: "PARAM_ERROR", op: "refund", times: 2 },
    { t: "crash", n: 0, fen: 573 },
    { t: "refund", n: 0, fen: 445, approve: false },
    { t: "limiter", calls: 1 },
    { t: "retry", n: 1 },
    { t: "fault", kind: "RESPONSE_LOST", op: "query_refund", times: 2 },
    { t: "fault", kind: "UNMAPPED", op: "refund", times: 3 },
    { t: "refund", n: 4, fen: 114, approve: true },
    { t: "crash", n: 1, fen: 203 },
  ],
];

/** One ledger per property, shared by its runs (each run uses fresh order and refund numbers). */
interface LedgerRig {
  readonly ledger: RefundLedger;
  close(): Promise<void>;
}

const databaseUrl = process.env.DATABASE_URL;
const LEDGERS: readonly { readonly name: string; readonly share: number; open(): Promise<LedgerRig> }[] = [
  {
    name: "memory",
    share: databaseUrl ? 0.4 : 0.5,
    open: async () => ({ ledger: new MemoryRefundLedger(), close: async () => {} }),
  },
  {
    name: "PGlite",
    share: databaseUrl ? 0.3 : 0.5,
    open: async () => {
      const db = await openPglite();
      await migrate(db);
      return { ledger: new PostgresRefundLedger(db), close: () => db.close() };
    },
  },
  ...(databaseUrl
    ? [
        {
          name: "PostgreSQL",
          share: 0.3,
          open: async (): Promise<LedgerRig> => {
            const schema = `pb_e2e_prop_${Date.now().toString(36)}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
            const db = connectPostgres(databaseUrl, { max: 4 });
            await migrate(db, { schema });
            return {
              ledger: new PostgresRefundLedger(db, { schema }),
              close: async () => {
                await db.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
                await db.close();
              },
            };
          },
        },
      ]
    : []),
];
if (!databaseUrl)
  console.log("DATABASE_URL is not set: the refund property runs on the memory and PGlite ledgers only");

for (const [name, start] of [
  ["WeChat", wechatRig],
  ["Alipay", alipayRig],
] as const) {
  for (const ledgerKind of LEDGERS) {
    const runs = Math.ceil(RUNS * ledgerKind.share);
    describe(`refund engine property on the ${ledgerKind.name} ledger: random refunds, retries, faults, outages and crashes against the ${name} simulator`, () => {
      let rig: Rig;
      let store: LedgerRig;
      let seq = 0;
      let refunded = 0;
      let outages = 0;
      beforeAll(async () => {
        rig = await start();
        store = await ledgerKind.open();
      });
      afterAll(async () => {
        await rig?.close();
        await store?.close();
      });

      it(`holds for ${runs} runs: provider refunded = ledger state-4 sum, nothing closed that the provider holds, no number paid twice`, async () => {
        const { gateway, clock } = rig;
        const sleep = (ms: number) => rig.sleep(ms);
        const started = Date.now();
        await fc.assert(
          fc.asyncProperty(fc.array(action, { maxLength: 10 }), async (actions) => {
            seq += 1;
            const outTradeNo = `PP${ledgerKind.name.slice(0, 2).toUpperCase()}${Date.now().toString(36)}${seq}`;
            // Fault injectors around the real ledger and limiter: a write or grant that passes is the real one.
            const ledger = new OutageLedger(store.ledger);
            const limiter = new OutageLimiter(new MemoryRateLimiter({ now: () => clock().getTime(), sleep }));
            const make = () =>
              new RefundService({
                gateway,
                ledger,
                limiter,
                clock,
                sleep,
                random: () => 0.5,
                maxWaitMs: 120_000,
              });
            let service = make();
            await rig.paidOrder(outTradeNo, PAID);
            await service.recordOrder({
              outTradeNo,
              merchantId: rig.merchantId,
              total: { fen: PAID, currency: "CNY" },
              paidAt: clock(),
            });
            const no = (i: number) => `${outTradeNo}R${i}`;
            const tolerate = async (p: Promise<unknown>) => {
              try {
                await p;
              } catch (caught) {
                if (!(caught instanceof PaymentError)) throw caught;
              }
            };

            for (const a of actions) {
              if (a.t === "refund") {
                const input = {
                  outTradeNo,
                  outRefundNo: no(a.n),
                  amount: { fen: a.fen, currency: "CNY" as const },
                };
                await tolerate(a.approve ? service.refund(input) : service.request(input));
              } else if (a.t === "retry") {
                const existing = await ledger.getRefund(no(a.n));
                if (existing) {
                  const input = {
                    outTradeNo,
                    outRefundNo: no(a.n),
                    amount: { fen: existing.amountFen, currency: "CNY" as const },
                  };
                  await tolerate(existing.state === 0 ? service.approve(no(a.n)) : service.refund(input));
                }
              } else if (a.t === "approve") {
                if (await ledger.getRefund(no(a.n))) await tolerate(service.approve(no(a.n)));
              } else if (a.t === "reject") {
                if (await ledger.getRefund(no(a.n))) await tolerate(service.reject(no(a.n), "property test"));
              } else if (a.t === "fault") {
                rig.injectFault(a.kind, a.op, a.times);
              } else if (a.t === "crash") {
                // Stored and approved, then the process dies before submitting: a new instance resumes.
                await tolerate(
                  service.request(
                    { outTradeNo, outRefundNo: no(a.n), amount: { fen: a.fen, currency: "CNY" } },
                    { approved: true },
                  ),
                );
                service = make();
                await tolerate(service.resumePending());
              } else if (a.t === "store") {
                ledger.failWrites(a.writes);
              } else if (a.t === "limiter") {
                limiter.failAcquires(a.calls);
              } else if (a.t === "rotate") {
                rig.rotateKey();
              } else {
                await sleep(a.ms);
              }
            }

            // Recovery: the outages end, queued faults are used up, and resumePending() drains
            // (forced past the backoff of refunds left outcome-unknown) until nothing is open.
            outages += ledger.failures + limiter.failures;
            ledger.heal();
            limiter.heal();
            await rig.drainFaults();
            let failed: string[] = [];
            for (let round = 0; round < 6; round++) {
              await sleep(10 * 60_000);
              const report = await make().resumePending({ force: true });
              failed = report.failed.map((f) => `${f.outRefundNo}: ${f.error.message}`);
              const open = (await ledger.listRefunds(outTradeNo)).filter((r) => r.state >= 1 && r.state <= 3);
              if (open.length === 0 && failed.length === 0) break;
            }
            expect(failed).toEqual([]);

            // The oracle is the simulator's own book, never the client's view.
            const local = await ledger.listRefunds(outTradeNo);
            const remote = rig.remoteRefunds(outTradeNo);
            const accepted = rig.acceptances(outTradeNo);
            const byNo = new Map<string, LedgerRefund>(local.map((r) => [r.outRefundNo, r]));
            const remoteByNo = new Map(remote.map((r) => [r.outRefundNo, r]));
            // No refund number paid twice: each accepted once, one simulator record per number.
            for (const r of remote) expect(accepted.get(r.outRefundNo), r.outRefundNo).toBe(1);
            expect(new Set(remote.map((r) => r.outRefundNo)).size).toBe(remote.length);
            // The provider's refunded amount equals the ledger's sum of refunds in state 4.
            const providerRefunded = remote.filter((r) => r.state === 4).reduce((s, r) => s + r.fen, 0);
            const ledgerSucceeded = local.filter((r) => r.state === 4).reduce((s, r) => s + r.amountFen, 0);
            expect(ledgerSucceeded, "ledger state-4 sum vs the simulator's refunded amount").toBe(
              providerRefunded,
            );
            // No refund the ledger closed (6) is held by the provider as accepted.
            for (const r of local)
              if (r.state === 6) expect(remoteByNo.get(r.outRefundNo)?.state ?? 6, r.outRefundNo).toBe(6);
            // Nothing is left open, nothing exceeds what was paid, every state agrees with the simulator.
            for (const r of local) expect([1, 2, 3], r.outRefundNo).not.toContain(r.state);
            expect(remote.filter((r) => r.state !== 6).reduce((s, r) => s + r.fen, 0)).toBeLessThanOrEqual(
              PAID,
            );
            expect(
              local.filter((r) => r.state !== 6).reduce((s, r) => s + r.amountFen, 0),
            ).toBeLessThanOrEqual(PAID);
            for (const r of remote)
              expect(byNo.get(r.outRefundNo)).toMatchObject({ amountFen: r.fen, state: r.state });
            for (const r of local) if (!remoteByNo.has(r.outRefundNo)) expect([0, 6]).toContain(r.state);
            refunded += remote.length;
          }),
          { numRuns: runs, examples: REGRESSIONS.map((actions) => [actions]) },
        );
        // Not vacuous: the runs made refunds through faults, retries, outages and crashes. A run
        // accepts about 0.5 refunds on average (many draws are rejected, closed or crash before
        // submitting), so a tenth is a floor random draws cannot miss, while an engine that refunds
        // nothing fails it; outages were injected and hit real calls.
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          `${name} on ${ledgerKind.name}: ${runs} runs in ${seconds} s, ${refunded} refunds accepted by the simulator, each exactly once; ${outages} injected store/limiter failures hit`,
        );
        expect(refunded).toBeGreaterThan(runs / 10);
        // One run in seven or so draws an outage; with CI's hundreds of runs none hitting is a broken injector.
        if (runs >= 100) expect(outages).toBeGreaterThan(0);
      }, 1_800_000);
    });
  }
}
