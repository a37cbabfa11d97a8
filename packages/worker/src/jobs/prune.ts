import type { JobReport, RecoveryContext } from "../recovery-context.js";

/** (e) Deletes handled-notification keys and delivered events older than their retention. */
export async function prune(ctx: RecoveryContext): Promise<JobReport> {
  const cfg = ctx.config.prune;
  const now = ctx.clock().getTime();
  const keys = (await ctx.inbox?.prune?.(new Date(now - cfg.inboxRetentionMs))) ?? 0;
  const events = (await ctx.outbox?.prune(new Date(now - cfg.outboxRetentionMs))) ?? 0;
  if (keys + events > 0) ctx.effect({ job: "prune", kind: "pruned", count: keys + events });
  return { job: "prune", examined: keys + events, changed: keys + events, errors: 0 };
}
