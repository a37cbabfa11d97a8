// Four backend instances run the recovery worker on pg-boss against one PostgreSQL; the one that
// is running the query job is SIGKILLed in the middle of it. Every payment whose notification was
// lost must still end paid, each exactly once: one state change, one trade.paid event, one
// effect line at most, and pg-boss's own table must show the killed run expired and the job run
// again. PostgreSQL only: PGlite is one process, so several instances cannot share it.
import {
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  resolveGateway,
  TradeState,
} from "@paybridge/core";
import {
  connectPostgres,
  createScratchSchema,
  PostgresPaymentLedger,
  quoteSchema,
  type SqlClient,
} from "@paybridge/postgres";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { queueName } from "@paybridge/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KillableWorker, startKillableWorker } from "./support/processes.js";
import { eventually } from "./support/recovery-rig.js";

const url = process.env.DATABASE_URL;
const ORDERS = 150;
if (!url) console.log("DATABASE_URL is not set: skipping the four-process recovery crash test");

describe.skipIf(!url)("recovery worker: four processes on pg-boss, one SIGKILLed mid-job", () => {
  let db: SqlClient;
  let schema: string;
  let drop: () => Promise<void>;
  let sandbox: WechatSandbox;
  const workers: KillableWorker[] = [];
  const bossSchema = `pb_boss_crash_${process.pid}`;

  beforeAll(async () => {
    db = connectPostgres(url as string, { max: 6 });
    ({ schema, drop } = await createScratchSchema(db, "pb_crash"));
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "public_key" }],
      allowLoopbackHttpNotify: true,
    });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await sandbox?.close();
    await db?.query(`DROP SCHEMA IF EXISTS ${quoteSchema(bossSchema)} CASCADE`);
    await drop?.();
    await db?.close();
  });

  it("loses and repeats nothing", async () => {
    const payments = new PostgresPaymentLedger(db, { schema });
    const container = createPayBridgeContainer({ payments });
    registerProvider(container, WechatPayProvider);
    registerMerchant(container, { id: "wx-main", provider: "wechatpay", config: sandbox.merchantConfig() });
    const gateway = resolveGateway(container);
    const nos = Array.from({ length: ORDERS }, (_, i) =>
      `RCK${process.pid}${Date.now().toString(36)}${i}`.slice(0, 32),
    );
    // Every paid notification is lost: only the worker's queries can find these payments.
    sandbox.control.dropNotifications({ kind: "trade" }, ORDERS);
    for (const no of nos) {
      await gateway.forMerchant("wx-main").createPayment({
        outTradeNo: no,
        description: "crash",
        amount: { fen: 100, currency: "CNY" },
        method: "native",
        notifyUrl: "http://127.0.0.1:9/notify/wx-main",
      });
      sandbox.control.pay(no);
    }
    const started = Date.now();
    const input = { databaseUrl: url, schema, bossSchema, wechatConfig: sandbox.merchantConfig() };
    for (let i = 0; i < 4; i += 1) workers.push(startKillableWorker("recovery-process.ts", input, 300_000));
    await Promise.all(workers.map((w) => w.waitForLine((l) => l === "READY", 120_000, "READY")));
    // The first instance to commit an effect is the one running the job: kill it there.
    const firstEffect = await Promise.race(
      workers.map((w) => w.waitForLine((l) => l.startsWith("EFFECT "), 120_000, "an effect").then(() => w)),
    );
    const victimLinesAtKill = firstEffect.lines.filter((l) => l.startsWith("EFFECT ")).length;
    expect(await firstEffect.kill()).toBe("SIGKILL");
    expect(victimLinesAtKill).toBeLessThan(ORDERS);

    const { rows } = await eventually(
      async () => {
        const r = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${quoteSchema(schema)}.payments WHERE state = $1 AND out_trade_no = ANY($2)`,
          [TradeState.PAID, nos],
        );
        return (r.rows[0]?.n ?? 0) === ORDERS ? r : undefined;
      },
      "every payment paid",
      240_000,
    );
    expect(rows[0]?.n).toBe(ORDERS);
    const seconds = (Date.now() - started) / 1000;

    const events = await db.query<{ stream: string; n: number }>(
      `SELECT stream, count(*)::int AS n FROM ${quoteSchema(schema)}.outbox_events WHERE type = 'trade.paid' AND stream = ANY($1) GROUP BY stream`,
      [nos],
    );
    expect(events.rows).toHaveLength(ORDERS);
    expect(events.rows.every((r) => r.n === 1)).toBe(true);

    // Effect lines across every process: at most one per order (the killed one may have
    // committed a change it never printed), and every order's change committed.
    const perOrder = new Map<string, number>();
    for (const w of workers)
      for (const l of w.lines.filter((x) => x.startsWith("EFFECT queryUnnotified paid "))) {
        const no = l.split(" ")[3] ?? "";
        perOrder.set(no, (perOrder.get(no) ?? 0) + 1);
      }
    expect([...perOrder.values()].every((n) => n === 1)).toBe(true);
    expect(perOrder.size).toBeGreaterThanOrEqual(ORDERS - 4);

    // pg-boss's record: the killed run expired (failed), later runs completed. The run that paid
    // the last orders may still be marking itself complete (seen on a loaded machine), so wait.
    const byState = await eventually(
      async () => {
        const jobs = await db.query<{ state: string; n: number }>(
          `SELECT state::text AS state, count(*)::int AS n FROM ${quoteSchema(bossSchema)}.job WHERE name = $1 GROUP BY state`,
          [queueName("queryUnnotified")],
        );
        const states: Record<string, number> = Object.fromEntries(jobs.rows.map((r) => [r.state, r.n]));
        return (states.failed ?? 0) >= 1 && (states.completed ?? 0) >= 1 ? states : undefined;
      },
      "pg-boss recorded a failed (killed) and a completed run",
      120_000,
    );
    expect(byState.failed ?? 0).toBeGreaterThanOrEqual(1);
    expect(byState.completed ?? 0).toBeGreaterThanOrEqual(1);
    expect(byState.active ?? 0).toBeLessThanOrEqual(1);
    console.log(
      `recovery crash: ${ORDERS} payments paid by the worker in ${seconds.toFixed(1)} s after the kill; pg-boss runs ${JSON.stringify(byState)}; effect lines ${perOrder.size}`,
    );
  });
});
