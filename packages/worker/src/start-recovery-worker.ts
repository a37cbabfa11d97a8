import { ConfigurationError, silentLogger, systemClock } from "@paybridge/core";
import type { SqlExecutor } from "@paybridge/postgres";
import { type HealthProbe, portHealth, type RecoveryHealth, sqlHealth } from "./health.js";
import { RECOVERY_JOBS } from "./jobs/index.js";
import {
  JOB_NAMES,
  type JobName,
  type RecoveryConfigInput,
  resolveRecoveryConfig,
} from "./recovery-config.js";
import type { JobReport, RecoveryContext, RecoveryDeps } from "./recovery-context.js";
import { InProcessRunner } from "./runners/in-process-runner.js";
import type { JobRunner, ScheduledJob } from "./runners/job-runner.js";
import { PgBossRunner, type PgBossRunnerOptions } from "./runners/pg-boss-runner.js";

export type RecoveryEngine =
  | ({ readonly kind: "pg-boss" } & Omit<PgBossRunnerOptions, "logger" | "onReport">)
  | { readonly kind: "in-process" };

export interface RecoveryWorkerOptions extends RecoveryDeps {
  readonly config?: RecoveryConfigInput;
  /** pg-boss on PostgreSQL (several instances), or timers in this process (PGlite, memory). */
  readonly engine: RecoveryEngine;
  /** Where health() counts: the ledger's database and schema (one SQL query), else the ports. */
  readonly healthFrom?: { readonly db: SqlExecutor; readonly schema?: string } | HealthProbe;
  /** Called after every run of a job, on whichever engine. */
  readonly onReport?: (report: JobReport) => void;
}

export interface RecoveryWorker {
  readonly engine: "pg-boss" | "in-process";
  /**
   * Runs one job now, in this process, outside the engine (an operator's or a test's trigger;
   * not excluded against other instances, which is safe but may duplicate provider calls).
   */
  runOnce(job: JobName): Promise<JobReport>;
  health(): Promise<RecoveryHealth>;
  stop(): Promise<void>;
}

/**
 * Starts the recovery jobs (docs/recovery.md) inside an app, or in the paybridge-worker command.
 * The configuration is checked before anything starts; a bad value is a ValidationError naming it.
 */
export async function startRecoveryWorker(options: RecoveryWorkerOptions): Promise<RecoveryWorker> {
  const ctx = recoveryContext(options);
  const jobs: ScheduledJob[] = JOB_NAMES.filter((name) => ctx.config[name].enabled).map((name) => ({
    name,
    intervalMs: ctx.config[name].intervalMs,
    run: () => RECOVERY_JOBS[name](ctx),
  }));
  const hooks = { logger: ctx.logger, ...(options.onReport ? { onReport: options.onReport } : {}) };
  const runner: JobRunner =
    options.engine.kind === "pg-boss"
      ? new PgBossRunner(jobs, { ...options.engine, ...hooks })
      : new InProcessRunner(jobs, hooks);
  const health = healthProbe(options, ctx);
  await runner.start();
  return {
    engine: runner.kind,
    runOnce: (job) => RECOVERY_JOBS[job](ctx),
    health,
    stop: () => runner.stop(),
  };
}

/** The jobs' context from the app's parts; throws ConfigurationError for a missing ledger. */
export function recoveryContext(options: RecoveryWorkerOptions): RecoveryContext {
  const config = resolveRecoveryConfig(options.config);
  const payments = options.payments ?? options.gateway.payments;
  if (!payments) {
    throw new ConfigurationError(
      "recovery worker: no payment ledger (give `payments`, or a gateway created with one)",
    );
  }
  if (config.reconcileBills.enabled && !options.reconcileReports) {
    throw new ConfigurationError(
      "recovery worker: reconcileBills is enabled but no `reconcileReports` store was given",
    );
  }
  const clock = options.clock ?? systemClock;
  const logger = options.gateway.redacting(options.logger ?? silentLogger).child({ component: "recovery" });
  return {
    gateway: options.gateway,
    payments,
    refunds: options.refunds,
    outbox: options.outbox ?? options.events?.outbox ?? payments.outbox,
    inbox: options.inbox,
    events: options.events,
    clock,
    logger,
    config,
    reconcileReports: options.reconcileReports,
    effect: (effect) => {
      logger.info({ ...effect }, "recovery effect");
      options.onEffect?.(effect);
    },
  };
}

function healthProbe(options: RecoveryWorkerOptions, ctx: RecoveryContext): HealthProbe {
  const from = options.healthFrom;
  if (typeof from === "function") return from;
  if (from) return sqlHealth(from.db, from.schema ?? "paybridge", ctx.clock);
  return portHealth(ctx.payments, ctx.refunds.ledger, ctx.outbox, ctx.clock);
}
