import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { benchAlipayOverhead } from "../src/alipay-overhead.js";
import { benchLedgers, type LedgerStore, pgliteStore, postgresStore } from "../src/ledger.js";
import { benchManyMerchants } from "../src/many-merchants.js";
import { benchMemory } from "../src/memory.js";
import { benchNotificationIntake } from "../src/notification-intake.js";
import type { RatioResult } from "../src/ratio.js";
import { benchReconcile } from "../src/reconcile.js";
import { renderReport } from "../src/report.js";
import { SMOKE_SCALE, scaleFromEnv } from "../src/scale.js";
import { benchWechatOverhead } from "../src/wechat-overhead.js";

/**
 * The CI smoke run (BENCH_SCALE=smoke counts): every benchmark runs end to end against the real
 * simulators and returns well-formed figures. Structural facts only, never a timing threshold.
 * docs/performance.md is only written by the full `pnpm bench`; this test checks it stays untouched.
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.log("DATABASE_URL is not set: the ledger smoke run uses PGlite only");

const doc = fileURLToPath(new URL("../../../docs/performance.md", import.meta.url));
const readDoc = () => {
  try {
    return readFileSync(doc, "utf8");
  } catch {
    return undefined;
  }
};

function expectWellFormed(r: RatioResult, rounds: number, ops: number): void {
  expect(r.rounds).toBe(rounds);
  expect(r.opsPerRound).toBe(ops);
  expect(r.ratios).toHaveLength(rounds);
  for (const v of [
    r.medianRatio,
    r.medianThroughputRatio,
    r.candidateOpsPerSec,
    r.baselineOpsPerSec,
    ...r.ratios,
  ]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0);
  }
}

describe("benchmark smoke run", () => {
  const scale = SMOKE_SCALE;
  const before = readDoc();

  it("uses the smoke counts when BENCH_SCALE=smoke", () => {
    expect(scaleFromEnv({ BENCH_SCALE: "smoke" })).toBe(SMOKE_SCALE);
    expect(() => scaleFromEnv({ BENCH_SCALE: "huge" })).toThrow(/BENCH_SCALE/);
  });

  it("runs every benchmark and renders the table without touching docs/performance.md", async () => {
    const wechat = await benchWechatOverhead(scale);
    expectWellFormed(wechat, scale.rounds, scale.overheadOpsPerRound);
    const alipay = await benchAlipayOverhead(scale);
    expectWellFormed(alipay, scale.rounds, scale.overheadOpsPerRound);
    const intake = await benchNotificationIntake(scale);
    expectWellFormed(intake.careful, scale.intakeRounds, scale.intakeOpsPerRound);
    expectWellFormed(intake.floor, scale.intakeRounds, scale.intakeOpsPerRound);
    expectWellFormed(intake.sanity, scale.intakeRounds, scale.intakeOpsPerRound);
    const merchants = await benchManyMerchants(scale);
    expect(merchants).toHaveLength(4);
    for (const m of merchants) expectWellFormed(m, scale.manyMerchantRounds, scale.manyMerchantOpsPerRound);
    const memory = await benchMemory(scale);
    expect(memory.notifications).toBe(scale.memoryNotifications);
    for (const bytes of [memory.rssBeforeBytes, memory.rssAfterBytes, memory.heapUsedBeforeBytes]) {
      expect(bytes).toBeGreaterThan(0);
    }
    const stores: LedgerStore[] = [pgliteStore(), ...(databaseUrl ? [postgresStore(databaseUrl, 8)] : [])];
    const ledger = await benchLedgers(stores, scale);
    expect(ledger).toHaveLength(stores.length * 2 * scale.ledgerConcurrency.length);
    for (const row of ledger) {
      expect(row.overRefunds).toBe(0);
      // One order fits exactly half the requests; many orders take every one.
      expect(row.succeeded).toBe(row.layout === "one order" ? scale.ledgerRefunds / 2 : scale.ledgerRefunds);
      expect(Number.isFinite(row.refundsPerSecond)).toBe(true);
      expect(Number.isFinite(row.floorRefundsPerSecond)).toBe(true);
      expectWellFormed(row.ratio, scale.ledgerRounds, 1);
    }
    const reconcile = await benchReconcile(scale);
    // Every row of the generated bill matched the ledger: the candidate reconciled what it timed.
    expect(reconcile.rows).toBe(scale.reconcileRows);
    expect(reconcile.matched).toBe(scale.reconcileRows);
    expect(reconcile.ratios).toHaveLength(scale.reconcileRounds);
    expect(reconcile.cpuRatios).toHaveLength(scale.reconcileRounds);
    for (const v of [
      reconcile.medianThroughputRatio,
      reconcile.medianCpuRatio,
      ...reconcile.cpuRatios,
      reconcile.candidateRowsPerSec,
      reconcile.floorRowsPerSec,
    ])
      expect(Number.isFinite(v) && v > 0).toBe(true);
    const table = renderReport({
      scale,
      date: new Date(),
      overhead: [wechat, alipay],
      intake,
      merchants,
      memory,
      ledger,
      reconcile,
    });
    expect(table).toContain("WeChat refund + query");
    expect(table).toContain("Alipay refund + query");
    expect(table).toContain("Notification intake");
    expect(table).toContain("A/A check: careful handler against itself");
    expect(table).toContain("careful hand-written handler");
    expect(table).toContain("Many merchants");
    expect(table).toContain("hand-written pg floor");
    expect(table).toContain("PGlite");
    expect(table).toContain("Reconciliation");
    expect(table).not.toContain("NaN");
    expect(readDoc()).toBe(before);
  }, 180_000);

  // The separate scripts (package.json) run from the build, as `pnpm --filter @paybridge/bench run
  // <script>` does; tiny counts, and only their own success and output shape are checked.
  const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
  const runScript = (file: string, env: Record<string, string>) =>
    execFileSync(process.execPath, [dist(file)], { encoding: "utf8", env: { ...process.env, ...env } });

  it("runs the profile scripts (intake, overhead, ledger, reconcile) on tiny counts", () => {
    expect(existsSync(dist("profile-intake.js")), "packages/bench is built").toBe(true);
    expect(runScript("profile-intake.js", { PROFILE_NOTIFICATIONS: "20" })).toMatch(
      /^paybridge: 20 notifications in \d+ ms/,
    );
    expect(runScript("profile-intake.js", { PROFILE_NOTIFICATIONS: "20", PROFILE_SIDE: "careful" })).toMatch(
      /^careful: 20 notifications in \d+ ms/,
    );
    expect(runScript("profile-overhead.js", { PROFILE_OPERATIONS: "2" })).toMatch(
      /^paybridge: 2 refund \+ query/,
    );
    expect(runScript("profile-overhead.js", { PROFILE_OPERATIONS: "2", PROFILE_SIDE: "raw" })).toMatch(
      /^raw: 2 refund \+ query/,
    );
    for (const side of ["paybridge", "floor"]) {
      expect(
        runScript("profile-ledger.js", {
          PROFILE_STORE: "pglite",
          PROFILE_SIDE: side,
          PROFILE_LAYOUT: "one",
          PROFILE_REFUNDERS: "4",
          PROFILE_BATCHES: "1",
        }),
      ).toMatch(new RegExp(`^PGlite ${side}, one order, 4 refunders: 200 requests in \\d+ ms`));
    }
    for (const side of ["paybridge", "floor"]) {
      expect(runScript("profile-reconcile.js", { PROFILE_ROWS: "500", PROFILE_SIDE: side })).toMatch(
        new RegExp(`^${side}: \\d+ records in \\d+ ms`),
      );
    }
  }, 180_000);

  it.skipIf(!databaseUrl)(
    "runs the backend-rss script (one round of fresh processes)",
    () => {
      const out = runScript("backend-rss.js", { RSS_ROUNDS: "1" });
      expect(out).toMatch(/PostgreSQL-only backend: RSS median \d+\.\d MiB/);
      expect(out).toMatch(/embedded PGlite backend: RSS median \d+\.\d MiB/);
      expect(out).toMatch(/@electric-sql\/pglite resolvable from @paybridge\/postgres: (yes|no)/);
    },
    120_000,
  );
});
