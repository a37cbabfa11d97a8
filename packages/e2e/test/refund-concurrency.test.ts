import { randomUUID } from "node:crypto";
import { RefundService } from "@paybridge/core";
import { connectPostgres, createScratchSchema, PostgresRefundLedger } from "@paybridge/postgres";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import type { WechatEngineEvent } from "@paybridge/sandbox/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./support/processes.js";
import { paidWechatOrder, WECHAT_MERCHANT_ID, wechatConfig, wechatGateway } from "./support/wechat.js";
import type { RefundWorkerInput, RefundWorkerOutcome } from "./workers/refund-worker.js";

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl) {
  console.log(
    "DATABASE_URL is not set: skipping '200 concurrent partial refunds from 4 processes' (needs PostgreSQL)",
  );
}
if (databaseUrl && !redisUrl)
  console.log("REDIS_URL is not set: the 4 refund workers use one in-memory limiter each");

const TOTAL = 10_000;
const WORKERS = 4;
const PER_WORKER = 50;

/** A small deterministic generator, so a failure can be replayed. */
function amounts(count: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return 201 + (x % 200); // 201..400 fen: the sum rule binds (at most 49 fit) before the 50-refund rule
  });
}

describe.skipIf(!databaseUrl)(
  "refund engine: 200 concurrent partial refunds of one order from 4 processes",
  () => {
    let sandbox: WechatSandbox;
    let db: ReturnType<typeof connectPostgres>;
    let scratch: Awaited<ReturnType<typeof createScratchSchema>>;
    const events: WechatEngineEvent[] = [];

    beforeAll(async () => {
      // Interval 0 at the simulator too (the engine's is overridden to 0 in the workers).
      sandbox = await startWechatSandbox({
        merchants: [{ keyMode: "public_key" }],
        refundIntervalMs: 0,
        allowLoopbackHttpNotify: true,
      });
      sandbox.engine.onEvent((e) => events.push(e));
      db = connectPostgres(databaseUrl ?? "");
      scratch = await createScratchSchema(db, "pb_e2e_conc");
    });
    afterAll(async () => {
      await scratch?.drop();
      await db?.close();
      await sandbox?.close();
    });

    it("never exceeds the total, never refunds a number twice, and the ledger matches the simulator", async () => {
      const config = wechatConfig(sandbox.merchant(), sandbox.origin);
      const ledger = new PostgresRefundLedger(db, { schema: scratch.schema });
      const service = new RefundService({
        gateway: wechatGateway(config),
        ledger,
        rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
      });
      const outTradeNo = `CONC${Date.now().toString(36)}${process.pid}`;
      const paid = paidWechatOrder(sandbox, outTradeNo, TOTAL);
      await service.recordOrder({
        outTradeNo,
        merchantId: WECHAT_MERCHANT_ID,
        total: { fen: TOTAL, currency: "CNY" },
        paidAt: paid.successTime ?? new Date(),
      });

      const fens = amounts(WORKERS * PER_WORKER, 42);
      const requests = fens.map((fen, i) => ({ outTradeNo, outRefundNo: `${outTradeNo}R${i}`, fen }));
      // Each worker also sends 5 of its neighbour's refund numbers (same amounts): the same refund
      // requested by two instances at once must still be one refund.
      const slices = Array.from({ length: WORKERS }, (_, w) => [
        ...requests.slice(w * PER_WORKER, (w + 1) * PER_WORKER),
        ...requests.slice(((w + 1) % WORKERS) * PER_WORKER, ((w + 1) % WORKERS) * PER_WORKER + 5),
      ]);
      // Faults the workers must get through: retryable errors and responses lost after the refund was made.
      sandbox.engine.injectFault({ kind: "SYSTEM_ERROR", operation: "refund" }, 4);
      sandbox.engine.injectFault({ kind: "RESPONSE_LOST", operation: "refund" }, 4);
      sandbox.engine.injectFault({ kind: "SYSTEM_ERROR", operation: "query_refund" }, 2);

      const prefix = `pb_e2e_conc:${randomUUID()}`;
      const workers = slices.map((slice) =>
        startWorker<RefundWorkerOutcome[]>("refund-worker.ts", {
          databaseUrl: databaseUrl ?? "",
          schema: scratch.schema,
          redisUrl,
          redisPrefix: prefix,
          config,
          requests: slice,
        } satisfies RefundWorkerInput),
      );
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.go();
      const outcomes = (await Promise.all(workers.map((w) => w.result))).flat();
      expect(outcomes).toHaveLength(WORKERS * (PER_WORKER + 5));

      // Every refusal is a rule (sum, or count) or a retryable error left for resumePending.
      for (const o of outcomes) {
        if (o.error)
          expect(
            o.error.rule === "sum" || o.error.rule === "count" || o.error.retryable,
            o.error.message,
          ).toBe(true);
      }
      // Finish whatever a worker left behind, then let the simulator settle every refund.
      const resumed = await service.resumePending();
      expect(resumed.failed).toEqual([]);
      sandbox.control.advance(10 * 60_000);
      for (const r of await ledger.listRefunds(outTradeNo))
        if (r.state === 3) await service.sync(r.outRefundNo);

      const local = await ledger.listRefunds(outTradeNo);
      const remote = sandbox.engine.refundsOf(outTradeNo);
      const accepted = events.filter((e) => e.kind === "refund" && e.from === undefined);

      // No refund number was refunded twice: one acceptance per number, one simulator record per number.
      const acceptedNumbers = accepted.map((e) => (e.kind === "refund" ? e.refund.outRefundNo : ""));
      expect(new Set(acceptedNumbers).size).toBe(acceptedNumbers.length);
      expect(new Set(remote.map((r) => r.outRefundNo)).size).toBe(remote.length);
      // The sum never exceeds the total, at the simulator and in the ledger (pending included).
      const remoteSum = remote.filter((r) => r.status !== "CLOSED").reduce((s, r) => s + r.refundFen, 0);
      expect(remoteSum).toBeLessThanOrEqual(TOTAL);
      const localHeld = local.filter((r) => r.state !== 6).reduce((s, r) => s + r.amountFen, 0);
      expect(localHeld).toBeLessThanOrEqual(TOTAL);
      // The test is not vacuous: the order was refunded up to the last refund that fitted.
      expect(remoteSum).toBeGreaterThan(TOTAL - 401);
      // The ledger matches the simulator, refund by refund.
      expect(local.filter((r) => r.state !== 6 && r.state !== 4)).toEqual([]);
      const succeeded = local.filter((r) => r.state === 4);
      expect(succeeded.map((r) => [r.outRefundNo, r.amountFen]).sort()).toEqual(
        remote
          .filter((r) => r.status === "SUCCESS")
          .map((r) => [r.outRefundNo, r.refundFen])
          .sort(),
      );
      expect(remote.every((r) => r.status === "SUCCESS")).toBe(true);
      expect(localHeld).toBe(remoteSum);
      console.log(
        `4 processes: ${outcomes.length} refund requests, ${succeeded.length} refunds (${remoteSum} of ${TOTAL} fen), ` +
          `${outcomes.filter((o) => o.error?.rule === "sum").length} refused by the sum rule`,
      );
    }, 180_000);
  },
);
