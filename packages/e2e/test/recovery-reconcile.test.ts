// The recovery worker's reconcileBills job end to end: on PGlite (jobs in process) and, with
// DATABASE_URL, on PostgreSQL (jobs on pg-boss). The WeChat and Alipay sandboxes hold a day with
// one of each difference planted, the shop's records are booked in the real ledgers; at 10:30
// Beijing time the next day the job downloads both bills, reconciles them and stores one report
// per merchant and day; runs after that download nothing and store nothing again.

import { AlipayProvider } from "@paybridge/alipay";
import {
  createPayBridgeContainer,
  RefundService,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { PostgresPaymentLedger, PostgresRefundLedger, quoteSchema } from "@paybridge/postgres";
import { PostgresReconcileReports } from "@paybridge/reconcile";
import { WechatPayProvider } from "@paybridge/wechatpay";
import {
  type JobEffect,
  type JobReport,
  type RecoveryEngine,
  type RecoveryWorker,
  startRecoveryWorker,
} from "@paybridge/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookRecorded } from "./support/book-ledger.js";
import { storeTargets } from "./support/payment-store.js";
import { expectPlanted, plantedNumbers } from "./support/planted-day.js";
import { type PlantedSandboxes, plantedSandboxes } from "./support/planted-sandboxes.js";
import { eventually } from "./support/recovery-rig.js";

const DAY = "2026-03-01";
const WORKER_NOW = new Date("2026-03-02T10:30:00+08:00");
const OFF = { enabled: false } as const;

for (const target of storeTargets()) {
  describe(`reconcileBills job (${target.name}, ${target.name === "PostgreSQL" ? "pg-boss" : "in process"})`, () => {
    const wx = plantedNumbers();
    const ali = (name: string) => `J${wx(name)}`;
    let sandboxes: PlantedSandboxes;
    let worker: RecoveryWorker;
    let reports: PostgresReconcileReports;
    const runs: JobReport[] = [];
    const effects: JobEffect[] = [];
    let close: () => Promise<void>;

    beforeAll(async () => {
      sandboxes = await plantedSandboxes(DAY, wx, ali);
      const store = await target.open();
      const payments = new PostgresPaymentLedger(store.client, { schema: store.schema });
      const refundLedger = new PostgresRefundLedger(store.client, { schema: store.schema });
      const ledgers = { payments, refunds: refundLedger };
      await bookRecorded(
        ledgers,
        sandboxes.wxRecorded,
        { provider: "wechatpay", merchantId: "wx-main" },
        DAY,
      );
      await bookRecorded(ledgers, sandboxes.aliRecorded, { provider: "alipay", merchantId: "ali-main" }, DAY);
      const container = createPayBridgeContainer({ payments });
      registerProvider(container, WechatPayProvider);
      registerProvider(container, AlipayProvider);
      registerMerchant(container, {
        id: "wx-main",
        provider: "wechatpay",
        config: sandboxes.wechat.merchantConfig(),
      });
      registerMerchant(container, {
        id: "ali-main",
        provider: "alipay",
        config: { ...sandboxes.alipay.merchantConfig(), timeoutMs: 5000 },
      });
      const gateway = resolveGateway(container);
      reports = new PostgresReconcileReports(store.client, { schema: store.schema });
      const bossSchema = `${store.schema}_boss`;
      const url = process.env.DATABASE_URL;
      const engine: RecoveryEngine =
        target.name === "PostgreSQL" && url
          ? { kind: "pg-boss", connectionString: url, schema: bossSchema, pollingIntervalSeconds: 0.5 }
          : { kind: "in-process" };
      worker = await startRecoveryWorker({
        gateway,
        payments,
        refunds: new RefundService({ gateway, ledger: refundLedger }),
        reconcileReports: reports,
        engine,
        // The worker's clock: 10:30 Beijing time the day after the planted day.
        clock: () => WORKER_NOW,
        config: {
          queryUnnotified: OFF,
          closeExpired: OFF,
          latePayments: OFF,
          pollRefunds: OFF,
          prune: OFF,
          dispatchEvents: OFF,
          reconcileBills: { enabled: true, intervalMs: 1000 },
        },
        onReport: (r) => runs.push(r),
        onEffect: (e) => effects.push(e),
      });
      close = async () => {
        await worker.stop();
        await store.client.query(`DROP SCHEMA IF EXISTS ${quoteSchema(bossSchema)} CASCADE`);
        await store.close();
      };
    });

    afterAll(async () => {
      await close?.();
      await sandboxes?.close();
    });

    it("reconciles the previous Beijing day of each merchant once, finding each planted difference", async () => {
      await eventually(() => runs.some((r) => r.changed === 2), "a run that stored both days");
      for (const [merchant, provider, no] of [
        ["wx-main", "wechatpay", wx],
        ["ali-main", "alipay", ali],
      ] as const) {
        const stored = await reports.get(merchant, DAY);
        expect(stored).toMatchObject({
          merchantId: merchant,
          provider,
          date: DAY,
          differences: 5,
          matched: 2,
        });
        if (stored) expectPlanted(stored.result, no);
      }
      expect(effects.map((e) => `${e.kind}:${e.merchantId}:${e.date}:${e.count}`).sort()).toEqual([
        `differences:ali-main:${DAY}:5`,
        `differences:wx-main:${DAY}:5`,
      ]);
    });

    it("is idempotent per merchant and day: later runs download and store nothing", async () => {
      const before = runs.length;
      await eventually(() => runs.length >= before + 2, "two more runs");
      expect(runs.slice(before).every((r) => r.changed === 0 && r.errors === 0 && r.examined === 2)).toBe(
        true,
      );
      expect(effects).toHaveLength(2);
      expect(await reports.list("wx-main", "2026-02-01", "2026-03-31")).toHaveLength(1);
      // A direct run finds both days stored too.
      await expect(worker.runOnce("reconcileBills")).resolves.toMatchObject({ changed: 0, errors: 0 });
    });
  });
}
