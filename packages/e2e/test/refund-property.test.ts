import {
  type LedgerRefund,
  MemoryRefundLedger,
  PaymentError,
  RefundService,
  type RefundState,
} from "@paybridge/core";
import { ManualClock, startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paidWechatOrder, WECHAT_MERCHANT_ID, wechatConfig, wechatGateway } from "./support/wechat.js";

// 1,000 runs in CI (CI=true), fewer locally; PB_PROPERTY_RUNS overrides both.
const RUNS = Number(process.env.PB_PROPERTY_RUNS ?? (process.env.CI === "true" ? 1000 : 60));
const PAID = 1000;
const FAULTS = ["SYSTEM_ERROR", "RESPONSE_LOST", "FREQUENCY_LIMITED"] as const;

type Action =
  | { t: "refund"; n: number; fen: number; approve: boolean }
  | { t: "retry"; n: number }
  | { t: "approve"; n: number }
  | { t: "reject"; n: number }
  | { t: "fault"; kind: (typeof FAULTS)[number]; op: "refund" | "query_refund"; times: number }
  | { t: "crash"; n: number; fen: number }
  | { t: "advance"; ms: number };

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
);

const UNIFIED: Record<string, RefundState> = { PROCESSING: 3, SUCCESS: 4, ABNORMAL: 5, CLOSED: 6 };

describe("refund engine property: random refunds, retries, faults and crashes against the WeChat simulator", () => {
  let sandbox: WechatSandbox;
  const acceptances = new Map<string, number>();
  let seq = 0;

  beforeAll(async () => {
    // Business time is a manual clock shared by the simulator and the engine: the one-minute
    // interval, backoff and settlement all run in virtual time, with no sleeps.
    sandbox = await startWechatSandbox({
      clock: new ManualClock(Date.now()),
      merchants: [{ keyMode: "public_key" }],
      rateLimits: false,
      settleIntervalMs: 60_000,
    });
    sandbox.engine.onEvent((e) => {
      if (e.kind === "refund" && e.from === undefined) {
        acceptances.set(e.refund.outRefundNo, (acceptances.get(e.refund.outRefundNo) ?? 0) + 1);
      }
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it(`holds for ${RUNS} runs: no double refund, no over-refund, every refund ends agreeing with the simulator`, async () => {
    const gateway = wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin));
    const provider = gateway.forMerchant(WECHAT_MERCHANT_ID);
    const clock = () => sandbox.engine.now();
    const sleep = async (ms: number) => sandbox.control.advance(Math.max(0, Math.ceil(ms)));
    // A refund that exists at the simulator, used to use up faults a run left queued.
    const drainOrder = `PD${Date.now().toString(36)}`;
    paidWechatOrder(sandbox, drainOrder, 100);
    const drainRefund = {
      outTradeNo: drainOrder,
      outRefundNo: `${drainOrder}D`,
      amount: { fen: 1, currency: "CNY" as const },
      total: { fen: 100, currency: "CNY" as const },
    };
    await provider.refund(drainRefund);

    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 10 }), async (actions) => {
        seq += 1;
        const outTradeNo = `PP${Date.now().toString(36)}${seq}`;
        const ledger = new MemoryRefundLedger();
        const make = () =>
          new RefundService({ gateway, ledger, clock, sleep, random: () => 0.5, maxWaitMs: 120_000 });
        let service = make();
        paidWechatOrder(sandbox, outTradeNo, PAID);
        await service.recordOrder({
          outTradeNo,
          merchantId: WECHAT_MERCHANT_ID,
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
            sandbox.engine.injectFault({ kind: a.kind, operation: a.op }, a.times);
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
          } else {
            await sleep(a.ms);
          }
        }

        // Use up faults still queued, so the final reconciliation (and the next run) sees none.
        for (let i = 0; i < 100; i++)
          if (
            await provider.refund(drainRefund).then(
              () => true,
              () => false,
            )
          )
            break;
        for (let i = 0; i < 100; i++)
          if (
            await provider.queryRefund({ outTradeNo: drainOrder, outRefundNo: drainRefund.outRefundNo }).then(
              () => true,
              () => false,
            )
          )
            break;
        await sleep(10 * 60_000);
        const report = await make().resumePending();
        expect(report.failed.map((f) => f.error.message)).toEqual([]);
        await sleep(10 * 60_000);
        for (const r of await ledger.listRefunds(outTradeNo))
          if (r.state === 3) await make().sync(r.outRefundNo);

        const local = await ledger.listRefunds(outTradeNo);
        const remote = sandbox.engine.refundsOf(outTradeNo);
        const byNo = new Map<string, LedgerRefund>(local.map((r) => [r.outRefundNo, r]));
        // No double refund: one acceptance per refund number, one simulator record per number.
        for (const r of remote) expect(acceptances.get(r.outRefundNo)).toBe(1);
        expect(new Set(remote.map((r) => r.outRefundNo)).size).toBe(remote.length);
        // No over-refund, at the simulator or in the ledger.
        expect(
          remote.filter((r) => r.status !== "CLOSED").reduce((s, r) => s + r.refundFen, 0),
        ).toBeLessThanOrEqual(PAID);
        expect(local.filter((r) => r.state !== 6).reduce((s, r) => s + r.amountFen, 0)).toBeLessThanOrEqual(
          PAID,
        );
        // Every refund ends in a state that agrees with the simulator.
        for (const r of remote) {
          expect(byNo.get(r.outRefundNo)).toMatchObject({ amountFen: r.refundFen, state: UNIFIED[r.status] });
        }
        const remoteNos = new Set(remote.map((r) => r.outRefundNo));
        for (const r of local) if (!remoteNos.has(r.outRefundNo)) expect([0, 6]).toContain(r.state);
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: the runs made refunds through faults, retries and crashes.
    const refunded = [...acceptances.keys()].filter((k) => k.startsWith("PP")).length;
    console.log(`${RUNS} runs: ${refunded} refunds accepted by the simulator, each exactly once`);
    expect(refunded).toBeGreaterThan(RUNS / 2);
  }, 900_000);
});
