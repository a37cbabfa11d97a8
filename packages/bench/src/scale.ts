/**
 * How much work each benchmark does. `BENCH_SCALE=smoke` is the CI run: tiny counts that prove the
 * benchmarks still run end to end, never timing claims. The default is the full run that
 * docs/performance.md is generated from.
 */
export interface BenchScale {
  readonly name: "full" | "smoke";
  /** Interleaved rounds per ratio (the issue asks for at least 5; odd so the median is one round). */
  readonly rounds: number;
  /** refund + query pairs per side per round, against the simulator. */
  readonly overheadOpsPerRound: number;
  /**
   * Rounds for notification intake: its rounds are short (tens of ms), so more of them keep one
   * noisy moment on a shared machine from deciding the median.
   */
  readonly intakeRounds: number;
  /** Notifications per side per round. */
  readonly intakeOpsPerRound: number;
  /** Distinct signed notifications built by the simulator and cycled through. */
  readonly notificationPool: number;
  /** Notifications processed between the two memory readings (the issue: 100,000). */
  readonly memoryNotifications: number;
  /** Refund requests per ledger batch (one batch per side per round). */
  readonly ledgerRefunds: number;
  /** Interleaved PayBridge / floor rounds per ledger configuration (odd, so the median is one round). */
  readonly ledgerRounds: number;
  /** Concurrent refunders per ledger configuration. */
  readonly ledgerConcurrency: readonly number[];
  /** Merchants in the large gateway of the many-merchants ratios (the issue: 1,000). */
  readonly manyMerchants: number;
  /** Operations per side per round of each many-merchants ratio (each takes about a microsecond). */
  readonly manyMerchantOpsPerRound: number;
  /**
   * Rounds of each many-merchants ratio: its operations take well under a microsecond, so one
   * scheduling hiccup decides a round, and more rounds keep a few such rounds from the median.
   */
  readonly manyMerchantRounds: number;
  /** Rows of the reconciled bill, and of the ledger it is matched against (the issue: 1,000,000). */
  readonly reconcileRows: number;
  /** Interleaved floor / reconcile rounds (odd, so the median is one round). */
  readonly reconcileRounds: number;
}

export const FULL_SCALE: BenchScale = {
  name: "full",
  rounds: 21,
  overheadOpsPerRound: 60,
  intakeRounds: 21,
  intakeOpsPerRound: 1_000,
  notificationPool: 400,
  memoryNotifications: 100_000,
  ledgerRefunds: 200,
  ledgerRounds: 15,
  manyMerchants: 1_000,
  manyMerchantOpsPerRound: 200_000,
  manyMerchantRounds: 21,
  ledgerConcurrency: [1, 8, 64],
  reconcileRows: 1_000_000,
  reconcileRounds: 5,
};

export const SMOKE_SCALE: BenchScale = {
  name: "smoke",
  rounds: 5,
  overheadOpsPerRound: 2,
  intakeRounds: 5,
  intakeOpsPerRound: 10,
  notificationPool: 8,
  memoryNotifications: 200,
  ledgerRefunds: 32,
  ledgerRounds: 3,
  manyMerchants: 1_000,
  manyMerchantOpsPerRound: 200,
  manyMerchantRounds: 5,
  ledgerConcurrency: [1, 8, 64],
  reconcileRows: 2_000,
  reconcileRounds: 3,
};

export function scaleFromEnv(env: NodeJS.ProcessEnv = process.env): BenchScale {
  const name = env.BENCH_SCALE ?? "full";
  if (name === "smoke") return SMOKE_SCALE;
  if (name === "full") return FULL_SCALE;
  throw new Error(`BENCH_SCALE must be "full" or "smoke", got ${JSON.stringify(name)}`);
}
