export * from "./health.js";
export { billDaysAt, lateRefundNo, RECOVERY_JOBS } from "./jobs/index.js";
export * from "./recovery-config.js";
export type { JobEffect, JobReport, RecoveryContext, RecoveryDeps } from "./recovery-context.js";
export { InProcessRunner } from "./runners/in-process-runner.js";
export type { JobRunner, ScheduledJob } from "./runners/job-runner.js";
export { PgBossRunner, type PgBossRunnerOptions, queueName } from "./runners/pg-boss-runner.js";
export * from "./start-recovery-worker.js";
