import type { PgliteDatabase } from "@paybridge/postgres";
import type pg from "pg";

/**
 * The ledger floor: the least a hand-written refund path can do and still never over-refund with
 * several instances. In one transaction: lock the order's row, sum what its refunds hold (every
 * refund not closed), refuse if the new one does not fit, insert it. Commit, call the provider,
 * then record its answer in one more statement. Six statements and two commits a refund, against
 * its own two narrow tables: no outbox, no attempt counter, no state rules, no validation.
 */
export interface FloorDb {
  /** One statement outside a transaction (autocommit). */
  query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** `fn` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(
    fn: (q: (text: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

/** The floor on a `pg` pool: a checked-out connection, BEGIN, COMMIT or ROLLBACK, release. */
export function pgFloorDb(pool: pg.Pool): FloorDb {
  return {
    query: (text, params) => pool.query(text, params),
    async transaction(fn) {
      const conn = await pool.connect();
      try {
        await conn.query("BEGIN");
        const value = await fn((text, params) => conn.query(text, params));
        await conn.query("COMMIT");
        return value;
      } catch (error) {
        await conn.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

/** The floor on embedded PGlite: its own transaction(), which sends BEGIN and COMMIT. */
export function pgliteFloorDb(db: PgliteDatabase): FloorDb {
  return {
    query: (text, params) => db.query<Record<string, unknown>>(text, params),
    transaction: (fn) =>
      db.transaction((tx) => fn((text, params) => tx.query<Record<string, unknown>>(text, params))),
    close: () => db.close(),
  };
}

export class FloorLedger {
  private readonly orders: string;
  private readonly refunds: string;

  constructor(
    private readonly db: FloorDb,
    private readonly schema: string,
  ) {
    this.orders = `"${schema}".floor_orders`;
    this.refunds = `"${schema}".floor_refunds`;
  }

  async migrate(): Promise<void> {
    await this.db.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`, []);
    await this.db.query(
      `CREATE TABLE ${this.orders} (out_trade_no text PRIMARY KEY, paid_fen bigint NOT NULL)`,
      [],
    );
    await this.db.query(
      `CREATE TABLE ${this.refunds} (out_refund_no text PRIMARY KEY,
         out_trade_no text NOT NULL REFERENCES ${this.orders} (out_trade_no),
         amount_fen bigint NOT NULL, state smallint NOT NULL)`,
      [],
    );
    await this.db.query(`CREATE INDEX ON ${this.refunds} (out_trade_no)`, []);
  }

  async drop(): Promise<void> {
    await this.db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`, []);
  }

  async recordOrder(outTradeNo: string, paidFen: number): Promise<void> {
    await this.db.query(`INSERT INTO ${this.orders} (out_trade_no, paid_fen) VALUES ($1, $2)`, [
      outTradeNo,
      paidFen,
    ]);
  }

  /** Reserves, pays out through `pay`, records the answer. False when the sum rule refused it. */
  async refund(
    outTradeNo: string,
    outRefundNo: string,
    fen: number,
    pay: () => Promise<void>,
  ): Promise<boolean> {
    const reserved = await this.db.transaction(async (q) => {
      const order = await q(`SELECT paid_fen FROM ${this.orders} WHERE out_trade_no = $1 FOR UPDATE`, [
        outTradeNo,
      ]);
      const paid = Number(order.rows[0]?.paid_fen);
      // A statement after the lock sees every refund committed before the lock was granted.
      const held = await q(
        `SELECT coalesce(sum(amount_fen), 0) AS held FROM ${this.refunds} WHERE out_trade_no = $1 AND state <> 6`,
        [outTradeNo],
      );
      if (Number(held.rows[0]?.held) + fen > paid) return false;
      await q(
        `INSERT INTO ${this.refunds} (out_refund_no, out_trade_no, amount_fen, state) VALUES ($1, $2, $3, 1)`,
        [outRefundNo, outTradeNo, fen],
      );
      return true;
    });
    if (!reserved) return false;
    await pay();
    await this.db.query(`UPDATE ${this.refunds} SET state = 4 WHERE out_refund_no = $1`, [outRefundNo]);
    return true;
  }
}
