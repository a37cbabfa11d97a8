// Issue "Refunds that cannot lose money", item 2: PostgreSQL terminating the refund ledger's
// connections mid-burst must not end the process, send anything the ledger cannot record, or
// leave the ledger disagreeing with the provider once the database is back.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { type LedgerRefund, MemoryLogger, RefundService, StoreUnavailableError } from "@paybridge/core";
import {
  connectPostgres,
  createScratchSchema,
  PostgresRefundLedger,
  type SqlClient,
} from "@paybridge/postgres";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import type { WechatEngineEvent } from "@paybridge/sandbox/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paidWechatOrder, WECHAT_MERCHANT_ID, wechatConfig, wechatGateway } from "./support/wechat.js";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl)
  console.log(
    "DATABASE_URL is not set: skipping 'refunds while PostgreSQL terminates the pool' (needs PostgreSQL)",
  );

const ORDERS = 30;
const TOTAL = 1_000;
/** Two refunds per order: 600 + 400 refunds each order in full. */
const SPLIT = [600, 400] as const;

/** Terminates every backend opened under `applicationName` (this test's pool, nobody else's). */
async function terminateBackends(applicationName: string): Promise<number> {
  // A separate client of its own, under another name, so it never terminates itself.
  const admin = connectPostgres(databaseUrl ?? "", { max: 1, applicationName: `${applicationName}_admin` });
  try {
    const { rows } = await admin.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    return rows.filter((r) => r.ok === true).length;
  } finally {
    await admin.close();
  }
}

async function until(condition: () => boolean, what: string, capMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > capMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("refund engine while the ledger's database is unreachable (WeChat simulator)", () => {
  let sandbox: WechatSandbox;
  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "public_key" }],
      refundIntervalMs: 0,
      rateLimits: false,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it("sends nothing when PostgreSQL cannot be reached (closed port): StoreUnavailableError, no provider call", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const db = connectPostgres(`postgres://postgres@127.0.0.1:${port}/paybridge`);
    try {
      const service = new RefundService({
        gateway: wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin)),
        ledger: new PostgresRefundLedger(db),
      });
      const outTradeNo = `PCLS${Date.now().toString(36)}`;
      paidWechatOrder(sandbox, outTradeNo, TOTAL);
      const before = sandbox.control.requestCount();
      await expect(
        service.recordOrder({
          outTradeNo,
          merchantId: WECHAT_MERCHANT_ID,
          total: { fen: TOTAL, currency: "CNY" },
          paidAt: new Date(),
        }),
      ).rejects.toMatchObject({ name: "StoreUnavailableError", retryable: true });
      const error = await service
        .refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, amount: { fen: 100, currency: "CNY" } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).retryable).toBe(true);
      expect(String((error as StoreUnavailableError).cause)).toMatch(/ECONNREFUSED/);
      await expect(service.resumePending()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(sandbox.control.requestCount()).toBe(before);
      expect(sandbox.engine.refundsOf(outTradeNo)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  describe.skipIf(!databaseUrl)("PostgreSQL", () => {
    const applicationName = `pb_e2e_outage_${process.pid}_${randomBytes(4).toString("hex")}`;
    let db: SqlClient;
    let scratch: Awaited<ReturnType<typeof createScratchSchema>>;
    const logger = new MemoryLogger();
    beforeAll(async () => {
      db = connectPostgres(databaseUrl ?? "", { applicationName, max: 6, logger });
      scratch = await createScratchSchema(db, "pb_e2e_outage");
    });
    afterAll(async () => {
      await scratch?.drop();
      await db?.close();
    });

    it("survives every backend of its pool terminated twice mid-burst; after recovery the ledger agrees with the simulator", async () => {
      const events: WechatEngineEvent[] = [];
      const unsubscribe = sandbox.engine.onEvent((e) => events.push(e));
      const ledger = new PostgresRefundLedger(db, { schema: scratch.schema });
      const service = new RefundService({
        gateway: wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin)),
        ledger,
        rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
      });
      const stamp = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
      const orders = Array.from({ length: ORDERS }, (_, i) => `POUT${stamp}N${i}`);
      for (const outTradeNo of orders) {
        const paid = paidWechatOrder(sandbox, outTradeNo, TOTAL);
        await service.recordOrder({
          outTradeNo,
          merchantId: WECHAT_MERCHANT_ID,
          total: { fen: TOTAL, currency: "CNY" },
          paidAt: paid.successTime ?? new Date(),
        });
      }
      const requests = orders.flatMap((outTradeNo) =>
        SPLIT.map((fen, k) => ({
          outTradeNo,
          outRefundNo: `${outTradeNo}R${k}`,
          amount: { fen, currency: "CNY" as const },
        })),
      );

      let settled = 0;
      const outcomes: { outRefundNo: string; refund?: LedgerRefund; error?: unknown }[] = [];
      let next = 0;
      const burst = Promise.all(
        Array.from({ length: 12 }, async () => {
          for (let r = requests[next++]; r !== undefined; r = requests[next++]) {
            try {
              outcomes.push({ outRefundNo: r.outRefundNo, refund: await service.refund(r) });
            } catch (error) {
              outcomes.push({ outRefundNo: r.outRefundNo, error });
            }
            settled += 1;
          }
        }),
      );
      // Twice, while refunds are in flight, PostgreSQL drops every connection of this pool.
      let terminated = 0;
      await until(() => settled >= requests.length / 5, "a fifth of the burst");
      terminated += await terminateBackends(applicationName);
      await until(() => settled >= requests.length / 2, "half of the burst");
      terminated += await terminateBackends(applicationName);
      await burst;
      expect(terminated).toBeGreaterThan(0);
      expect(outcomes).toHaveLength(requests.length);

      // Each refund either completed or failed with the retryable store error: nothing else.
      const failed = outcomes.filter((o) => o.error !== undefined);
      for (const o of failed) {
        expect(o.error, String(o.error)).toBeInstanceOf(StoreUnavailableError);
        expect((o.error as StoreUnavailableError).retryable).toBe(true);
      }
      // The process is alive and the pool reconnected: the lost connections were logged, not thrown.
      expect(logger.text()).toMatch(/57P01|terminat/);

      // Some of the failures came after the provider had accepted the refund (the ledger could
      // not record the answer): the recovery below must pick those up by querying, not resend.
      const acceptedBeforeRecovery = failed.filter((o) =>
        sandbox.engine
          .refundsOf(o.outRefundNo.replace(/R\d$/, ""))
          .some((r) => r.outRefundNo === o.outRefundNo),
      ).length;

      // Recovery: the merchant repeats what failed with the same refund numbers, then resumes.
      for (const o of failed) {
        const r = requests.find((q) => q.outRefundNo === o.outRefundNo);
        if (r) await service.refund(r).catch(() => {});
      }
      const resumed = await service.resumePending({ force: true });
      expect(resumed.failed).toEqual([]);
      sandbox.control.advance(10 * 60_000);
      for (const outTradeNo of orders)
        for (const r of await ledger.listRefunds(outTradeNo))
          if (r.state === 3) await service.sync(r.outRefundNo);

      // The ledger agrees with the simulator's own book, order by order.
      for (const outTradeNo of orders) {
        const local = await ledger.listRefunds(outTradeNo);
        const remote = sandbox.engine.refundsOf(outTradeNo);
        expect(local.map((r) => [r.outRefundNo, r.state]).sort()).toEqual(
          SPLIT.map((_, k) => [`${outTradeNo}R${k}`, 4]).sort(),
        );
        expect(remote.map((r) => [r.outRefundNo, r.status, r.refundFen]).sort()).toEqual(
          local.map((r) => [r.outRefundNo, "SUCCESS", r.amountFen]).sort(),
        );
        expect(remote.reduce((s, r) => s + r.refundFen, 0)).toBe(TOTAL);
      }
      // No refund number was accepted twice by the provider.
      const accepted = events.flatMap((e) =>
        e.kind === "refund" && e.from === undefined && e.refund.outTradeNo.startsWith(`POUT${stamp}`)
          ? [e.refund.outRefundNo]
          : [],
      );
      expect(accepted).toHaveLength(requests.length);
      expect(new Set(accepted).size).toBe(requests.length);
      unsubscribe?.();
      console.log(
        `store outage: ${requests.length} refunds, ${terminated} backends terminated in 2 rounds, ` +
          `${failed.length} failed with StoreUnavailableError (${acceptedBeforeRecovery} of them already accepted by the provider) and recovered`,
      );
    }, 300_000);
  });
});
