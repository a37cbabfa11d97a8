import { type Logger, silentLogger } from "@paybridge/core";
import { sqlStateOf } from "@paybridge/postgres";
import PgBoss from "pg-boss";
import type { JobReport } from "../recovery-context.js";
import type { JobRunner, ScheduledJob } from "./job-runner.js";

export interface PgBossRunnerOptions {
  readonly connectionString: string;
  /** pg-boss's own schema, apart from the ledger's. Default "paybridge_boss". */
  readonly schema?: string;
  /**
   * How long a run may stay active before pg-boss's maintenance fails it (a killed worker's run
   * ends this way, and the next slot runs the job again). Default 900 s.
   */
  readonly expireInSeconds?: number;
  /** How often pg-boss's maintenance (expiry, archive) runs, across all instances. Default 60 s. */
  readonly maintenanceIntervalSeconds?: number;
  /** How often an idle worker polls its queue. Default 2 s; at least 0.5 s. */
  readonly pollingIntervalSeconds?: number;
  /** Connections pg-boss may open. Default 4. */
  readonly max?: number;
  readonly logger?: Logger;
  readonly onReport?: (report: JobReport) => void;
}

/** The pg-boss queue of a job. */
export const queueName = (job: string) => `paybridge_${job}`;

/**
 * The engine for PostgreSQL: pg-boss 10 (https://github.com/timgit/pg-boss). Each job is a
 * queue with the "stately" policy (at most one job queued and one active, across every
 * instance), and every instance offers one job per interval slot with `singletonSeconds`, so the
 * job runs about once per interval however many instances there are, and never twice at once.
 * A worker killed mid-run leaves its job active until `expireInSeconds`, when maintenance fails
 * it (retryLimit 0: the next slot is the retry), and nothing is half done because every effect
 * is one ledger transaction.
 */
export class PgBossRunner implements JobRunner {
  readonly kind = "pg-boss" as const;
  private boss: PgBoss | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly logger: Logger;

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly options: PgBossRunnerOptions,
  ) {
    this.logger = (options.logger ?? silentLogger).child({ component: "pg-boss" });
  }

  async start(): Promise<void> {
    const o = this.options;
    const boss = new PgBoss({
      connectionString: o.connectionString,
      schema: o.schema ?? "paybridge_boss",
      max: o.max ?? 4,
      maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 60,
      // Cron schedules are not used: jobs are offered per interval slot below.
      schedule: false,
    });
    boss.on("error", (error: unknown) => this.logger.warn({ err: error }, "pg-boss error"));
    await boss.start();
    this.boss = boss;
    const pollingIntervalSeconds = Math.max(0.5, o.pollingIntervalSeconds ?? 2);
    for (const job of this.jobs) {
      const name = queueName(job.name);
      const queue = {
        name,
        policy: "stately" as const,
        retryLimit: 0,
        expireInSeconds: o.expireInSeconds ?? 900,
      };
      // createQueue is idempotent (ON CONFLICT DO NOTHING); update applies changed settings. Several
      // instances starting at once on a fresh schema can deadlock inside pg-boss's queue creation
      // (seen: 40P01 between two INSERTs into its queue table); PostgreSQL rolls one back, and the
      // transaction is safe to run again.
      await retryOnDeadlock(() => boss.createQueue(name, queue));
      await retryOnDeadlock(() => boss.updateQueue(name, queue));
      await boss.work(name, { pollingIntervalSeconds, batchSize: 1 }, async () => {
        const report = await job.run();
        this.options.onReport?.(report);
        return report;
      });
      this.offer(job);
    }
  }

  /** Offers one job per slot of `intervalMs`; pg-boss drops the offers of the other instances. */
  private offer(job: ScheduledJob): void {
    const boss = this.boss;
    if (!boss) return;
    const slotSeconds = Math.max(1, Math.round(job.intervalMs / 1000));
    const send = () => {
      boss
        .send(queueName(job.name), {}, { singletonSeconds: slotSeconds })
        .catch((error: unknown) => this.logger.warn({ err: error, job: job.name }, "offering a job failed"));
    };
    send();
    const timer = setInterval(send, Math.max(250, Math.min(job.intervalMs, slotSeconds * 1000) / 2));
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    const boss = this.boss;
    this.boss = undefined;
    await boss?.stop({ graceful: true, wait: true, timeout: 30_000 });
  }
}

const DEADLOCK = "40P01";

/** Runs `step` again, up to 5 times with a growing random pause, when PostgreSQL chose it as a deadlock victim. */
async function retryOnDeadlock<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (sqlStateOf(error) !== DEADLOCK || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * (25 + Math.random() * 75)));
    }
  }
}
