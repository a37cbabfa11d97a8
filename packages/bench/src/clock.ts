/**
 * The clock the interleaved ratio benchmarks time their slices with. `BENCH_CLOCK=cpu` times each
 * slice with the process's CPU time (user + system, all threads: `process.cpuUsage`, getrusage
 * RUSAGE_SELF) instead of the wall clock. On a machine shared with other jobs the wall clock also
 * counts the time the process waited for a core, which lands on whichever side was running; the
 * CPU time counts only work done. The simulators run in this process, so their work (answer
 * signing, HTTP parsing) is in both sides' CPU time alike.
 */
export interface BenchClock {
  readonly name: "wall clock" | "process CPU time";
  /** Nanoseconds, monotonic for the process. */
  readonly now: () => bigint;
}

export const WALL_CLOCK: BenchClock = { name: "wall clock", now: process.hrtime.bigint };

export const CPU_CLOCK: BenchClock = {
  name: "process CPU time",
  now: () => {
    const { user, system } = process.cpuUsage();
    return BigInt(user + system) * 1000n;
  },
};

export function benchClockFromEnv(env: NodeJS.ProcessEnv = process.env): BenchClock {
  const name = env.BENCH_CLOCK ?? "wall";
  if (name === "wall") return WALL_CLOCK;
  if (name === "cpu") return CPU_CLOCK;
  throw new Error(`BENCH_CLOCK must be "wall" or "cpu", got ${JSON.stringify(name)}`);
}
