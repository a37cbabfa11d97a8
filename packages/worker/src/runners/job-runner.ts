import type { JobName } from "../recovery-config.js";
import type { JobReport } from "../recovery-context.js";

/** One job as an engine sees it: a name, how often, and the function. */
export interface ScheduledJob {
  readonly name: JobName;
  readonly intervalMs: number;
  readonly run: () => Promise<JobReport>;
}

/** An engine that runs scheduled jobs: pg-boss on PostgreSQL, or timers in this process. */
export interface JobRunner {
  readonly kind: "pg-boss" | "in-process";
  start(): Promise<void>;
  /** Stops scheduling, waits for the runs under way, and releases what the engine holds. */
  stop(): Promise<void>;
}
