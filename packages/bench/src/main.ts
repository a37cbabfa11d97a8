/**
 * `pnpm bench` (root): runs every benchmark in one process, prints the table and writes it into
 * docs/performance.md. BENCH_SCALE=smoke runs tiny counts and writes nothing (the CI smoke run is
 * the vitest test beside this file; this flag is for trying the script quickly).
 */
import "reflect-metadata";
import { fileURLToPath } from "node:url";
import { benchMemory } from "./memory.js";
import { benchNotificationIntake } from "./notification-intake.js";
import { type BenchReport, renderReport, writeReport } from "./report.js";
import { scaleFromEnv } from "./scale.js";
import { benchWechatOverhead } from "./wechat-overhead.js";

const scale = scaleFromEnv();
// BENCH_ONLY=intake,memory runs some parts (for profiling); such a partial run never writes the doc.
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const wanted = (part: string) => only === undefined || only.includes(part);
const log = (what: string) => process.stderr.write(`[bench] ${what}\n`);

log(`scale ${scale.name}`);
const wechat = wanted("wechat") ? [await benchWechatOverhead(scale)] : [];
log("notification intake");
const intake = wanted("intake") ? await benchNotificationIntake(scale) : undefined;
log(`memory over ${scale.memoryNotifications} notifications`);
const memory = wanted("memory") ? await benchMemory(scale) : undefined;

const report: BenchReport = {
  scale,
  date: new Date(),
  overhead: wechat,
  intake,
  memory,
  ledger: [],
  notMeasured: [],
};
const table = renderReport(report);
process.stdout.write(`${table}\n`);
if (scale.name === "full" && only === undefined) {
  const target = fileURLToPath(new URL("../../../docs/performance.md", import.meta.url));
  writeReport(target, table);
  log(`wrote ${target}`);
}
