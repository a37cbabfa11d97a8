export { type Backlog, type HealthProbe, portHealth, type RecoveryHealth, sqlHealth } from "./health.js";
export { RECOVERY_JOBS } from "./jobs/index.js";
export { lateRefundNo } from "./jobs/late-refund-number.js";
export {
  JOB_NAMES,
  type JobName,
  type RecoveryConfig,
  type RecoveryConfigInput,
  recoveryConfigSchema,
  resolveRecoveryConfig,
} from "./recovery-config.js";
export type { JobEffect, JobReport, RecoveryContext, RecoveryDeps } from "./recovery-context.js";
export { InProcessRunner } from "./runners/in-process-runner.js";
export type { JobRunner, ScheduledJob } from "./runners/job-runner.js";
export { PgBossRunner, type PgBossRunnerOptions, queueName } from "./runners/pg-boss-runner.js";
export {
  type RecoveryEngine,
  type RecoveryWorker,
  type RecoveryWorkerOptions,
  recoveryContext,
  startRecoveryWorker,
} from "./start-recovery-worker.js";
