import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import type { BenchClock } from "./clock.js";
import type { MemoryResult } from "./memory.js";
import type { IntakeResults } from "./notification-intake.js";
import type { RatioResult } from "./ratio.js";
import type { ReconcileBenchResult } from "./reconcile.js";
import type { BenchScale } from "./scale.js";

/** A ledger configuration: PayBridge against the floor, interleaved, and the over-refund count (must be 0). */
export interface LedgerRow {
  readonly store: string;
  readonly layout: "one order" | "many orders";
  readonly concurrency: number;
  /** Requests per batch. */
  readonly attempted: number;
  /** Paid out per batch (the rest refused by the sum rule). */
  readonly succeeded: number;
  /** Refund requests decided (paid out, or refused by the sum rule) per second through PayBridge. */
  readonly refundsPerSecond: number;
  /** The same through the hand-written floor (ledger-floor.ts). */
  readonly floorRefundsPerSecond: number;
  /** The interleaved batches: medianThroughputRatio is PayBridge / floor (target >= 0.7x). */
  readonly ratio: RatioResult;
  readonly overRefunds: number;
}

/** The ledger target: PayBridge decides at least this share of what the floor decides per second. */
export const LEDGER_TARGET = 0.7;

export interface BenchReport {
  readonly scale: BenchScale;
  /** What timed the overhead and intake slices (BENCH_CLOCK); the wall clock when absent. */
  readonly clock?: BenchClock["name"] | undefined;
  readonly date: Date;
  readonly overhead: readonly RatioResult[];
  readonly intake: IntakeResults | undefined;
  /** merchantFor, forOrder and a provider log call at 1,000 merchants against 1 (time ratios). */
  readonly merchants?: readonly RatioResult[] | undefined;
  readonly memory: MemoryResult | undefined;
  readonly ledger: readonly LedgerRow[];
  readonly reconcile?: ReconcileBenchResult | undefined;
}

export const GENERATED_START =
  "<!-- bench:generated:start (written by `pnpm bench`; edit outside these markers) -->";
export const GENERATED_END = "<!-- bench:generated:end -->";

// Three decimals, so a ratio just short of its target never prints as the target itself.
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(3)}x` : "n/a");
const perSec = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const spread = (r: RatioResult) => r.ratios.map((v) => v.toFixed(2)).join(" ");
/** Each round's throughput ratio (baseline time / candidate time), in run order. */
const throughputSpread = (r: RatioResult) => r.ratios.map((v) => (1 / v).toFixed(2)).join(" ");

export function renderReport(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(
    `Run ${r.date.toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${cpus()[0]?.model.trim() ?? "unknown CPU"} (${cpus().length} cores), ${process.platform}/${process.arch}, scale ${r.scale.name}${r.clock === "process CPU time" ? ", overhead and intake timed with process CPU time" : ""}.`,
    "",
  );
  if (r.overhead.length > 0) {
    lines.push("### 1. Abstraction overhead (time ratio PayBridge / raw SDK; target <= 1.05x)", "");
    lines.push(
      "| operation | PayBridge ops/s | raw ops/s | median ratio | target | rounds x ops | per-round ratios |",
    );
    lines.push("|---|---:|---:|---:|---|---|---|");
  }
  for (const o of r.overhead) {
    lines.push(
      `| ${o.name} | ${perSec(o.candidateOpsPerSec)} | ${perSec(o.baselineOpsPerSec)} | **${x(o.medianRatio)}** | ${o.medianRatio <= 1.05 ? "met" : "missed"} | ${o.rounds} x ${o.opsPerRound} | ${spread(o)} |`,
    );
  }
  if (r.overhead.length > 0) lines.push("");
  if (r.intake) {
    lines.push(
      "### 2. Notification intake (throughput ratio PayBridge / baseline; target >= 0.95x of the careful hand-written handler; the crypto floor is information)",
      "",
    );
    lines.push(
      "| baseline | PayBridge notifications/s | baseline notifications/s | median throughput ratio | target | rounds x ops | per-round throughput ratios |",
    );
    lines.push("|---|---:|---:|---:|---|---|---|");
    const rows = [
      ["careful hand-written handler", r.intake.careful, true],
      ["node:crypto floor (verify + decrypt only)", r.intake.floor, false],
      [
        "A/A check: careful handler against itself (PayBridge column: the second instance)",
        r.intake.sanity,
        "sanity",
      ],
    ] as const;
    for (const [name, i, targeted] of rows) {
      const t = i.medianThroughputRatio;
      const verdict =
        targeted === "sanity" ? "expect ~1.00x" : targeted ? (t >= 0.95 ? "met" : "missed") : "information";
      lines.push(
        `| ${name} | ${perSec(i.candidateOpsPerSec)} | ${perSec(i.baselineOpsPerSec)} | **${x(t)}** | ${verdict} | ${i.rounds} x ${i.opsPerRound} | ${throughputSpread(i)} |`,
      );
    }
    lines.push("");
  }
  if (r.ledger.length > 0) {
    lines.push(
      `### 3. Ledger (throughput ratio PayBridge / hand-written pg floor, refund requests decided per second; target >= ${LEDGER_TARGET}x; over-refunds must be 0)`,
      "",
    );
    lines.push(
      "| store | orders | refunders | requests / batch | paid out | PayBridge decided/s | floor decided/s | median throughput ratio | target | rounds | per-round throughput ratios | over-refunds |",
    );
    lines.push("|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|");
    for (const l of r.ledger) {
      const t = l.ratio.medianThroughputRatio;
      lines.push(
        `| ${l.store} | ${l.layout} | ${l.concurrency} | ${l.attempted} | ${l.succeeded} | ${perSec(l.refundsPerSecond)} | ${perSec(l.floorRefundsPerSecond)} | **${x(t)}** | ${t >= LEDGER_TARGET ? "met" : "missed"} | ${l.ratio.rounds} | ${throughputSpread(l.ratio)} | ${l.overRefunds} |`,
      );
    }
    lines.push("");
  }
  if (r.merchants && r.merchants.length > 0) {
    lines.push("### 3b. Many merchants (time ratio at 1,000 merchants / at 1; target <= 1.1x)", "");
    lines.push(
      "| operation | at 1,000 ops/s | at 1 ops/s | median ratio | target | rounds x ops | per-round ratios |",
    );
    lines.push("|---|---:|---:|---:|---|---|---|");
    for (const m of r.merchants) {
      lines.push(
        `| ${m.name} | ${perSec(m.candidateOpsPerSec)} | ${perSec(m.baselineOpsPerSec)} | **${x(m.medianRatio)}** | ${m.medianRatio <= 1.1 ? "met" : "missed"} | ${m.rounds} x ${m.opsPerRound} | ${spread(m)} |`,
      );
    }
    lines.push("");
  }
  if (r.memory) {
    const m = r.memory;
    lines.push(
      `### 4. Memory (${m.notifications.toLocaleString("en-US")} notifications through parseNotification)`,
      "",
    );
    lines.push("| | before | after | growth |", "|---|---:|---:|---:|");
    lines.push(
      `| RSS | ${mib(m.rssBeforeBytes)} | ${mib(m.rssAfterBytes)} | ${mib(m.rssAfterBytes - m.rssBeforeBytes)} |`,
    );
    lines.push(
      `| heapUsed${m.gcExposed ? " (after global.gc)" : " (no --expose-gc: unsettled)"} | ${mib(m.heapUsedBeforeBytes)} | ${mib(m.heapUsedAfterBytes)} | ${mib(m.heapUsedAfterBytes - m.heapUsedBeforeBytes)} |`,
      "",
    );
  }
  if (r.reconcile) {
    const c = r.reconcile;
    lines.push(
      `### 5. Reconciliation (${c.rows.toLocaleString("en-US")}-row WeChat trade bill against a ledger of the same size)`,
      "",
    );
    lines.push(
      "| reconcile rows/s | csv-parse floor rows/s | median throughput ratio | target | peak RSS growth | target | rounds | per-round ratios | median CPU-time ratio | per-round CPU-time ratios |",
      "|---:|---:|---:|---|---:|---|---|---|---:|---|",
    );
    lines.push(
      `| ${perSec(c.candidateRowsPerSec)} | ${perSec(c.floorRowsPerSec)} | **${x(c.medianThroughputRatio)}** | ${c.medianThroughputRatio >= 0.5 ? "met" : "missed"} (>= 0.5x) | ${mib(c.peakRssGrowthBytes)} | ${c.peakRssGrowthBytes <= 100 * 1024 * 1024 ? "met" : "missed"} (<= 100 MiB) | ${c.rounds} | ${c.ratios.map((v) => v.toFixed(2)).join(" ")} | ${x(c.medianCpuRatio)} | ${c.cpuRatios.map((v) => v.toFixed(2)).join(" ")} |`,
      "",
    );
  }
  return lines.join("\n");
}

const TEMPLATE = `# Performance

What PayBridge costs a backend, measured against the best a user could do by hand, as ratios taken
in one process so they hold on a noisy machine. Regenerate with \`pnpm bench\` (the table between the
markers is rewritten; everything else in this file is kept).

${GENERATED_START}
${GENERATED_END}

## What the numbers mean / where the time goes

(written by hand after reading a run and its profile)
`;

/** Writes the generated block into `path`, keeping every hand-written line outside the markers. */
export function writeReport(path: string, generated: string): void {
  let current: string;
  try {
    current = readFileSync(path, "utf8");
  } catch {
    current = TEMPLATE;
  }
  const start = current.indexOf(GENERATED_START);
  const end = current.indexOf(GENERATED_END);
  if (start < 0 || end < start) {
    throw new Error(`${path} has lost its ${GENERATED_START} / ${GENERATED_END} markers; restore them`);
  }
  const next = `${current.slice(0, start + GENERATED_START.length)}\n\n${generated.trim()}\n\n${current.slice(end)}`;
  writeFileSync(path, next);
}
