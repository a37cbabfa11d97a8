/**
 * `pnpm bench` (root): runs every benchmark in one process, prints the table and writes it into
 * docs/performance.md. BENCH_SCALE=smoke runs tiny counts and writes nothing (the CI smoke run is
 * the vitest test beside this file; this flag is for trying the script quickly).
 */
import "reflect-metadata";
import { fileURLToPath } from "node:url";
import { benchAlipayOverhead } from "./alipay-overhead.js";
import { benchClockFromEnv } from "./clock.js";
import { benchLedgers, pgliteStore, postgresStore } from "./ledger.js";
import { benchManyMerchants } from "./many-merchants.js";
import { benchMemory } from "./memory.js";
import { benchNotificationIntake } from "./notification-intake.js";
import { benchReconcile } from "./reconcile.js";
import { type BenchReport, renderReport, writeReport } from "./report.js";
import { scaleFromEnv } from "./scale.js";
import { benchWechatOverhead } from "./wechat-overhead.js";

const scale = scaleFromEnv();
// BENCH_CLOCK=cpu times the overhead and intake slices with process CPU time (clock.ts).
const clock = benchClockFromEnv();
// BENCH_ONLY=intake,memory runs some parts (for profiling); such a partial run never writes the doc.
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const wanted = (part: string) => only === undefined || only.includes(part);
const log = (what: string) => process.stderr.write(`[bench] ${what}\n`);

async function part<T>(name: string, what: string, run: () => Promise<T>): Promise<T | undefined> {
  if (!wanted(name)) return undefined;
  log(what);
  return run();
}

log(`scale ${scale.name}, overhead and intake timed with the ${clock.name}`);
// Memory first, in a process nothing else has grown yet (PGlite alone takes hundreds of MiB of RSS).
const memory = await part("memory", `memory over ${scale.memoryNotifications} notifications`, () =>
  benchMemory(scale),
);
const overhead = [
  await part("wechat", "WeChat refund + query overhead", () => benchWechatOverhead(scale, clock)),
  await part("alipay", "Alipay refund + query overhead", () => benchAlipayOverhead(scale, clock)),
].filter((r) => r !== undefined);
const intake = await part("intake", "notification intake", () => benchNotificationIntake(scale, clock));
const merchants = await part("merchants", "many merchants: 1,000 against 1", () => benchManyMerchants(scale));
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ledger =
  (await part("ledger", "ledger on PostgreSQL and PGlite", () =>
    benchLedgers([postgresStore(databaseUrl), pgliteStore()], scale),
  )) ?? [];

const reconcile = await part("reconcile", `reconciliation of a ${scale.reconcileRows}-row bill`, () =>
  benchReconcile(scale),
);

const report: BenchReport = {
  scale,
  clock: clock.name,
  date: new Date(),
  overhead,
  intake,
  merchants,
  memory,
  ledger,
  reconcile,
};
const table = renderReport(report);
process.stdout.write(`${table}\n`);
if (scale.name === "full" && only === undefined) {
  const target = fileURLToPath(new URL("../../../docs/performance.md", import.meta.url));
  writeReport(target, table);
  log(`wrote ${target}`);
}
