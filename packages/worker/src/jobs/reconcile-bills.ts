import { ConfigurationError } from "@paybridge/core";
import { formatBeijingDashed } from "@paybridge/core/provider-kit";
import { coreLedgerPort, providerTradeBill, reconcileDay } from "@paybridge/reconcile";
import type { JobReport, RecoveryContext } from "../recovery-context.js";

const DAY_MS = 86_400_000;

/** "yyyy-MM-dd" and the hour of an instant in Beijing time, through core's one time module. */
const beijingDate = (t: number) => formatBeijingDashed(new Date(t)).slice(0, 10);
const beijingHourOf = (now: Date) => Number(formatBeijingDashed(now).slice(11, 13));

/**
 * The Beijing bill days to reconcile at `now`, newest first: yesterday once its bill is generated
 * (from `readyAtHour` Beijing time), then `days - 1` days before it.
 */
export function billDaysAt(now: Date, days: number, readyAtHour: number): string[] {
  const beijingHour = beijingHourOf(now);
  const newest = now.getTime() - (beijingHour >= readyAtHour ? 1 : 2) * DAY_MS;
  return Array.from({ length: days }, (_, i) => beijingDate(newest - i * DAY_MS));
}

/**
 * (g) Daily reconciliation: for each merchant and each bill day not reconciled yet, downloads the
 * provider's trade bill (@paybridge/reconcile providerTradeBill), reconciles it against the ledger
 * and stores the result, once per merchant and day (ReconcileReportStore.save keeps the first).
 * A day whose bill the provider refuses (not generated yet, an outage) counts as an error and is
 * tried again at the next run; a stored day is never downloaded again. Disabled, it does nothing.
 */
export async function reconcileBills(ctx: RecoveryContext): Promise<JobReport> {
  const cfg = ctx.config.reconcileBills;
  const report = { job: "reconcileBills" as const, examined: 0, changed: 0, errors: 0 };
  // Off unless enabled: `paybridge-worker --once all` runs it as a no-op for an app without it.
  if (!cfg.enabled) return report;
  const store = ctx.reconcileReports;
  if (!store) {
    throw new ConfigurationError(
      "recovery worker: reconcileBills needs `reconcileReports` to store its results",
    );
  }
  const ledger = coreLedgerPort({ payments: ctx.payments, refunds: ctx.refunds.ledger });
  const merchants = cfg.merchants ?? ctx.gateway.merchants.map((m) => m.id);
  const days = billDaysAt(ctx.clock(), cfg.days, cfg.readyAtHour);
  for (const merchantId of merchants) {
    for (const date of days) {
      report.examined += 1;
      if (await store.get(merchantId, date)) continue;
      try {
        const provider = ctx.gateway.forMerchant(merchantId);
        const result = await reconcileDay({
          provider: provider.id,
          merchantId,
          date,
          bill: await providerTradeBill(provider, date),
          ledger,
        });
        if (!(await store.save(result, ctx.clock()))) continue;
        report.changed += 1;
        ctx.effect({
          job: "reconcileBills",
          kind: result.differences.length === 0 ? "reconciled" : "differences",
          merchantId,
          date,
          count: result.differences.length,
        });
      } catch (error) {
        report.errors += 1;
        ctx.logger.warn(
          { err: error, merchantId, date },
          "reconciling a bill day failed; retried at the next run",
        );
      }
    }
  }
  return report;
}
