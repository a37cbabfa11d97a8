import type { NotificationInbox } from "@paybridge/core/ledger-kit";
import { DEFAULT_SCHEMA, quoteSchema } from "./migrate.js";
import type { SqlExecutor } from "./sql-client.js";

/**
 * NotificationIntake's memory of handled notifications, on PostgreSQL (or PGlite), shared by
 * every backend instance: a provider retries a notification, or a load balancer sends the retry
 * to another instance, and whichever instance receives it sees that it was applied. Table
 * `notification_inbox` (migration 0002), keyed by the dedupe key.
 */
export class PostgresNotificationInbox implements NotificationInbox {
  private readonly table: string;

  constructor(
    private readonly db: SqlExecutor,
    options: { schema?: string } = {},
  ) {
    this.table = `${quoteSchema(options.schema ?? DEFAULT_SCHEMA)}.notification_inbox`;
  }

  async has(key: string): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM ${this.table} WHERE dedupe_key = $1`, [key]);
    return rows.length > 0;
  }

  /**
   * Idempotent: two instances that applied the same notification at once both succeed, and the
   * first `received_at` is kept.
   */
  async remember(key: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} (dedupe_key, received_at) VALUES ($1, $2) ON CONFLICT (dedupe_key) DO NOTHING`,
      [key, at],
    );
  }

  /**
   * Forgets keys received before `olderThan` and returns how many. Keep them at least as long as
   * the provider retries a notification: WeChat Pay retries for about 24 hours (15 s ... 6 h,
   * https://pay.weixin.qq.com/doc/v3/merchant/4012791861). A replay of a pruned key is applied
   * again: the ledger merges it forward only, but `onEvent` runs a second time.
   */
  async prune(olderThan: Date): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${this.table} WHERE received_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [olderThan],
    );
    return rows[0]?.n ?? 0;
  }
}
