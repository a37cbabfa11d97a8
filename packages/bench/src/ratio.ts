/**
 * Ratio benchmarks: the candidate and its baseline run in the same process, interleaved round by
 * round, so a noisy neighbour slows both alike. We report the median of the per-round ratios,
 * never an absolute time compared with a number from another run.
 */
export interface RatioResult {
  readonly name: string;
  readonly rounds: number;
  readonly opsPerRound: number;
  /** Median of candidate time / baseline time over the rounds; 1.00 means no overhead. */
  readonly medianRatio: number;
  /**
   * Median of baseline time / candidate time: the candidate's throughput as a share of the
   * baseline's (1.00 = as fast as the baseline). Taken per round, not as 1 / medianRatio, which
   * differs when the round count is even.
   */
  readonly medianThroughputRatio: number;
  /** Every round's candidate / baseline time, in run order, so a reader can see the spread. */
  readonly ratios: readonly number[];
  readonly candidateOpsPerSec: number;
  readonly baselineOpsPerSec: number;
}

export interface RatioCase {
  readonly name: string;
  readonly rounds: number;
  readonly opsPerRound: number;
  /** Runs once per operation; the index lets a case use fresh data (order numbers) each time. */
  readonly candidate: (i: number) => Promise<unknown>;
  readonly baseline: (i: number) => Promise<unknown>;
  /** Operations run before timing, to warm the JIT and connection pools. */
  readonly warmup?: number;
  /**
   * Each round is cut into this many alternating baseline / candidate slices whose times are summed
   * per side (default 1: one block each). Short operations on a shared machine need it: a
   * neighbour's burst then lands on both sides of a round instead of on one block.
   */
  readonly slices?: number;
  /** Nanosecond clock the rounds are timed with (default process.hrtime.bigint); tests inject one. */
  readonly clock?: () => bigint;
  /**
   * Runs untimed before each block of operations `from` .. `from + count - 1` of one side (warmups
   * included): where a case builds the data its next block consumes (paid orders in a ledger).
   */
  readonly prepare?: (side: "baseline" | "candidate", from: number, count: number) => Promise<void>;
  /**
   * Runs at the end of every timed slice and warmup, inside its timing: a collection of the
   * garbage the slice made (minor-gc.ts), so each side pays for its own instead of whichever side
   * happens to fill the young generation paying for both.
   */
  readonly collect?: () => void;
}

async function timeOps(
  fn: (i: number) => Promise<unknown>,
  from: number,
  count: number,
  clock: () => bigint = process.hrtime.bigint,
  collect?: () => void,
): Promise<number> {
  const start = clock();
  for (let i = 0; i < count; i++) await fn(from + i);
  collect?.();
  return Number(clock() - start) / 1e6;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function runRatio(c: RatioCase): Promise<RatioResult> {
  let next = 0;
  const warm = c.warmup ?? Math.min(20, c.opsPerRound);
  await c.prepare?.("baseline", next, warm);
  await timeOps(c.baseline, next, warm, undefined, c.collect);
  next += warm;
  await c.prepare?.("candidate", next, warm);
  await timeOps(c.candidate, next, warm, undefined, c.collect);
  next += warm;
  const ratios: number[] = [];
  let candidateMs = 0;
  let baselineMs = 0;
  const slices = Math.max(1, Math.min(c.slices ?? 1, c.opsPerRound));
  for (let round = 0; round < c.rounds; round++) {
    let cand = 0;
    let base = 0;
    for (let slice = 0; slice < slices; slice++) {
      // Spread the round's operations over the slices (the first ones take the remainder).
      const count = Math.floor(c.opsPerRound / slices) + (slice < c.opsPerRound % slices ? 1 : 0);
      // Alternate which side goes first so a drift within a round does not favour one side.
      const baselineFirst = (round + slice) % 2 === 0;
      for (const side of baselineFirst ? [0, 1] : [1, 0]) {
        await c.prepare?.(side === 0 ? "baseline" : "candidate", next, count);
        const ms = await timeOps(side === 0 ? c.baseline : c.candidate, next, count, c.clock, c.collect);
        next += count;
        if (side === 0) base += ms;
        else cand += ms;
      }
    }
    ratios.push(cand / base);
    candidateMs += cand;
    baselineMs += base;
  }
  const ops = c.rounds * c.opsPerRound;
  return {
    name: c.name,
    rounds: c.rounds,
    opsPerRound: c.opsPerRound,
    medianRatio: median(ratios),
    medianThroughputRatio: median(ratios.map((r) => 1 / r)),
    ratios,
    candidateOpsPerSec: (ops / candidateMs) * 1000,
    baselineOpsPerSec: (ops / baselineMs) * 1000,
  };
}

/**
 * runRatio hands out one index per operation across both sides; this turns a list of prepared
 * inputs (paid orders) into a lookup that fails loudly if a case runs past what was prepared.
 */
export function preparedAt<T>(items: readonly T[], what: string): (i: number) => T {
  return (i) => {
    const item = items[i];
    if (item === undefined) throw new Error(`benchmark ran past its ${items.length} prepared ${what}`);
    return item;
  };
}
