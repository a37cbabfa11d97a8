import type { JobReport, RecoveryContext } from "../recovery-context.js";

/**
 * (f) Delivers what is due in the outbox to the app's handlers: the events the other jobs wrote
 * (a payment found paid by a query, a closed order, a late payment) and any an intake instance
 * could not deliver. Without an EventDispatcher the events wait for the app's own.
 */
export async function dispatchEvents(ctx: RecoveryContext): Promise<JobReport> {
  if (!ctx.events) return { job: "dispatchEvents", examined: 0, changed: 0, errors: 0 };
  const report = await ctx.events.dispatchPending({ maxEvents: 5000 });
  if (report.delivered > 0) ctx.effect({ job: "dispatchEvents", kind: "delivered", count: report.delivered });
  return {
    job: "dispatchEvents",
    examined: report.delivered + report.failed,
    changed: report.delivered,
    errors: report.failed,
  };
}
