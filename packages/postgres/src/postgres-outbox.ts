import type {
  ClaimedEvent,
  ClaimOptions,
  Outbox,
  OutboxStats,
  PayBridgeEvent,
} from "@paybridge/core/ledger-kit";
import { DEFAULT_SCHEMA, quoteSchema } from "./migrate.js";
import type { SqlExecutor } from "./sql-client.js";

type Row = Record<string, unknown>;

/**
 * Writes `event` inside the caller's transaction; a second write of the same change is a no-op.
 * `next_attempt_at` starts at '-infinity' (NEW_EVENT_DUE), not at `now`: a new event is due at
 * once on every instance's clock, so one whose clock runs ahead does not hold its events back from
 * the others' dispatchers for the length of the skew.
 */
export async function appendEvent(
  tx: SqlExecutor,
  table: string,
  event: PayBridgeEvent,
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${table} (event_id, stream, type, payload, created_at, next_attempt_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, ${NEW_EVENT_DUE}) ON CONFLICT (event_id) DO NOTHING`,
    [event.id, event.outTradeNo, event.type, JSON.stringify(event), now],
  );
}

/** The first attempt's due time: before any clock's now (PostgreSQL's timestamptz '-infinity'). */
export const NEW_EVENT_DUE = "'-infinity'::timestamptz";

export function outboxTable(schema: string = DEFAULT_SCHEMA): string {
  return `${quoteSchema(schema)}.outbox_events`;
}

/**
 * The outbox on PostgreSQL (or PGlite), table `outbox_events` (migration 0005), shared by every
 * instance. A claim takes only the oldest undelivered event of each order, with FOR UPDATE SKIP
 * LOCKED and a lease, so two dispatchers never deliver the same event at once and events of one
 * order go out in write order; a dispatcher that dies leaves its lease to expire.
 */
export class PostgresOutbox implements Outbox {
  private readonly table: string;

  constructor(
    private readonly db: SqlExecutor,
    options: { schema?: string } = {},
  ) {
    this.table = outboxTable(options.schema);
  }

  async append(event: PayBridgeEvent, now: Date): Promise<void> {
    await appendEvent(this.db, this.table, event, now);
  }

  async claim(options: ClaimOptions): Promise<ClaimedEvent[]> {
    return this.take(options.outTradeNo ?? null, null, options.limit, options.leaseMs, options.now, true);
  }

  async claimEvent(
    id: string,
    leaseMs: number,
    now: Date,
    options: { readonly inOrder?: boolean } = {},
  ): Promise<ClaimedEvent | undefined> {
    return (await this.take(null, id, 1, leaseMs, now, options.inOrder !== false))[0];
  }

  private async take(
    stream: string | null,
    id: string | null,
    limit: number,
    leaseMs: number,
    now: Date,
    inOrder: boolean,
  ): Promise<ClaimedEvent[]> {
    const { rows } = await this.db.query(
      `WITH heads AS (
         SELECT o.seq FROM ${this.table} o
         WHERE o.delivered_at IS NULL
           AND ($1::text IS NULL OR o.stream = $1) AND ($2::text IS NULL OR o.event_id = $2)
           AND o.next_attempt_at <= $3 AND (o.lease_until IS NULL OR o.lease_until < $3)
           AND (NOT $6::boolean OR NOT EXISTS (SELECT 1 FROM ${this.table} p WHERE p.stream = o.stream AND p.delivered_at IS NULL AND p.seq < o.seq))
         ORDER BY o.seq LIMIT $4
         FOR UPDATE SKIP LOCKED
       )
       UPDATE ${this.table} t SET lease_until = $5, attempts = t.attempts + 1
       FROM heads WHERE t.seq = heads.seq
       RETURNING t.payload, t.attempts, t.lease_until, t.seq`,
      [stream, id, now, limit, new Date(now.getTime() + leaseMs), inOrder],
    );
    return rows
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((r) => ({
        event: payload(r),
        attempts: Number(r.attempts),
        leaseUntil: r.lease_until instanceof Date ? r.lease_until : new Date(String(r.lease_until)),
      }));
  }

  async complete(id: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET delivered_at = $2, lease_until = NULL, last_error = NULL
       WHERE event_id = $1 AND delivered_at IS NULL`,
      [id, now],
    );
  }

  async fail(id: string, error: string, retryAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET lease_until = NULL, next_attempt_at = $2, last_error = $3
       WHERE event_id = $1 AND delivered_at IS NULL`,
      [id, retryAt, error.slice(0, 2000)],
    );
  }

  async getEvent(id: string) {
    const { rows } = await this.db.query(
      `SELECT payload, delivered_at FROM ${this.table} WHERE event_id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      event: payload(row),
      deliveredAt: row.delivered_at ? new Date(row.delivered_at as string) : undefined,
    };
  }

  async stats(_now: Date): Promise<OutboxStats> {
    const { rows } = await this.db.query<{ n: number; oldest: unknown }>(
      `SELECT count(*)::int AS n, min(created_at) AS oldest FROM ${this.table} WHERE delivered_at IS NULL`,
    );
    const row = rows[0];
    return {
      undelivered: Number(row?.n ?? 0),
      oldestUndeliveredAt: row?.oldest ? new Date(row.oldest as string) : undefined,
    };
  }

  async prune(olderThan: Date): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${this.table} WHERE delivered_at IS NOT NULL AND delivered_at < $1 RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [olderThan],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

/** jsonb arrives parsed from both `pg` and PGlite; a text payload (older drivers) is parsed here. */
function payload(row: Row): PayBridgeEvent {
  const value = row.payload;
  return (typeof value === "string" ? JSON.parse(value) : value) as PayBridgeEvent;
}
