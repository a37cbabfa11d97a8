import type { Clock, Outbox, PaymentLedger, RefundLedger } from "@paybridge/core";
import { quoteSchema, type SqlExecutor } from "@paybridge/postgres";

/** One backlog: how many, and how old the oldest is (ms, null when empty). */
export interface Backlog {
  readonly count: number;
  readonly oldestAgeMs: number | null;
}

/** What an operator alerts on; printed as JSON by `paybridge-worker --health`. */
export interface RecoveryHealth {
  readonly at: string;
  /** Payments at 0 (unpaid: waiting for the buyer, a notification, a query or a close). */
  readonly pendingPayments: Backlog;
  /** Refunds whose outcome at the provider is unknown (held, retried with backoff). */
  readonly unknownOutcomeRefunds: Backlog;
  readonly undeliveredEvents: Backlog;
}

export type HealthProbe = () => Promise<RecoveryHealth>;

const backlog = (count: number, oldest: Date | undefined, now: Date): Backlog => ({
  count,
  oldestAgeMs: oldest ? Math.max(0, now.getTime() - oldest.getTime()) : null,
});

const asDate = (v: unknown): Date | undefined =>
  v === null || v === undefined ? undefined : v instanceof Date ? v : new Date(String(v));

/** Health counted in SQL on the ledger's schema (PostgreSQL or PGlite): one round trip. */
export function sqlHealth(db: SqlExecutor, schema: string, clock: Clock): HealthProbe {
  const s = quoteSchema(schema);
  return async () => {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT
         (SELECT count(*)::int FROM ${s}.payments WHERE state = 0) AS p_n,
         (SELECT min(created_at) FROM ${s}.payments WHERE state = 0) AS p_old,
         (SELECT count(*)::int FROM ${s}.refunds WHERE outcome_unknown) AS r_n,
         (SELECT min(created_at) FROM ${s}.refunds WHERE outcome_unknown) AS r_old,
         (SELECT count(*)::int FROM ${s}.outbox_events WHERE delivered_at IS NULL) AS e_n,
         (SELECT min(created_at) FROM ${s}.outbox_events WHERE delivered_at IS NULL) AS e_old`,
    );
    const r = rows[0] ?? {};
    const now = clock();
    return {
      at: now.toISOString(),
      pendingPayments: backlog(Number(r.p_n ?? 0), asDate(r.p_old), now),
      unknownOutcomeRefunds: backlog(Number(r.r_n ?? 0), asDate(r.r_old), now),
      undeliveredEvents: backlog(Number(r.e_n ?? 0), asDate(r.e_old), now),
    };
  };
}

/** Health from the ports alone (memory ledgers); lists at most `cap` rows of each. */
export function portHealth(
  payments: PaymentLedger,
  refunds: RefundLedger,
  outbox: Outbox | undefined,
  clock: Clock,
  cap = 100_000,
): HealthProbe {
  return async () => {
    const now = clock();
    const unpaid = await payments.listUnpaid({ limit: cap });
    const unknown = await refunds.listOutcomeUnknown(cap);
    const events = await outbox?.stats(now);
    return {
      at: now.toISOString(),
      pendingPayments: backlog(unpaid.length, unpaid[0]?.createdAt, now),
      unknownOutcomeRefunds: backlog(unknown.length, unknown[0]?.createdAt, now),
      undeliveredEvents: backlog(events?.undelivered ?? 0, events?.oldestUndeliveredAt, now),
    };
  };
}
