import type { JobName } from "../recovery-config.js";
import type { JobReport, RecoveryContext } from "../recovery-context.js";
import { closeExpired } from "./close-expired.js";
import { dispatchEvents } from "./dispatch-events.js";
import { latePayments } from "./late-payments.js";
import { pollRefunds } from "./poll-refunds.js";
import { prune } from "./prune.js";
import { queryUnnotified } from "./query-unnotified.js";
import { reconcileBills } from "./reconcile-bills.js";

export { lateRefundNo } from "./late-refund-number.js";
export { billDaysAt } from "./reconcile-bills.js";

/** Every recovery job by name: one function, whichever engine runs it. */
export const RECOVERY_JOBS = {
  queryUnnotified,
  closeExpired,
  latePayments,
  pollRefunds,
  prune,
  dispatchEvents,
  reconcileBills,
} as const satisfies Record<JobName, (ctx: RecoveryContext) => Promise<JobReport>>;
