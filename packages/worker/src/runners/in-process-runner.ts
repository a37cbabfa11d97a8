import { type Logger, silentLogger } from "@paybridge/core";
import type { JobReport } from "../recovery-context.js";
import type { JobRunner, ScheduledJob } from "./job-runner.js";

/**
 * The engine for embedded PGlite (and the memory ledgers): each job on its own timer in this
 * process, the next run `intervalMs` after the previous one ended, so a job never overlaps
 * itself. PGlite is one connection in one process, so there are no other instances to exclude;
 * a restarted process simply runs the jobs again, which is safe because every effect is a
 * forward-only ledger transaction.
 */
export class InProcessRunner implements JobRunner {
  readonly kind = "in-process" as const;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = true;

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly options: { logger?: Logger; onReport?: (report: JobReport) => void } = {},
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    for (const job of this.jobs) this.schedule(job, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private schedule(job: ScheduledJob, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      const run = job
        .run()
        .then((report) => this.options.onReport?.(report))
        .catch((error: unknown) =>
          (this.options.logger ?? silentLogger).error({ err: error, job: job.name }, "recovery job failed"),
        )
        .finally(() => {
          this.running.delete(run);
          this.schedule(job, job.intervalMs);
        });
      this.running.add(run);
    }, delayMs);
    this.timers.set(job.name, timer);
  }
}
