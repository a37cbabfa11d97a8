import { PGlite, type Transaction } from "@electric-sql/pglite";
import { type RefundLedger, RefundService, RefundState } from "@paybridge/core";
import {
  createScratchSchema,
  type PgliteDatabase,
  type PgliteQueryable,
  PostgresRefundLedger,
  pgClient,
  pgliteClient,
  type SqlClient,
} from "@paybridge/postgres";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paidWechatOrder, WECHAT_MERCHANT_ID, wechatConfig, wechatGateway } from "./support/wechat.js";

// What one paid refund costs the database: every statement the driver is handed (BEGIN and
// COMMIT included) and every commit (an explicit COMMIT, or a writing statement run outside a
// transaction, which the server commits on its own). Counted by wrapping the drivers themselves:
// pg's pool and the connections it hands out, and PGlite's query and transaction.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl)
  console.log("DATABASE_URL is not set: round trips are counted on PGlite only (PostgreSQL skipped)");

/** A paid refund through RefundService.refund: at most this many statements, and two commits. */
const MAX_STATEMENTS = 10;
const COMMITS = 2;

interface Counter {
  statements: number;
  commits: number;
  /** Rows the database sent back: what a reserve reads grows with the order's refunds if it ships them. */
  rows: number;
}

const fresh = (c: Counter) => {
  c.statements = 0;
  c.commits = 0;
  c.rows = 0;
};
const isRead = (text: string) => /^\s*SELECT\b/i.test(text) && !/\bFOR\s+UPDATE\b/i.test(text);

/** A pg pool whose every statement (pool.query and checked-out connections) is counted. */
function countingPool(url: string, counter: Counter): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const poolQuery = pool.query.bind(pool) as (
    query: string | pg.QueryConfig,
    params?: unknown[],
  ) => Promise<pg.QueryResult>;
  // A named (prepared) statement arrives as a query config, its text inside.
  (pool as { query: unknown }).query = async (query: string | pg.QueryConfig, params?: unknown[]) => {
    counter.statements += 1;
    if (!isRead(typeof query === "string" ? query : query.text)) counter.commits += 1;
    const result = await poolQuery(query, params);
    counter.rows += result.rows.length;
    return result;
  };
  const connect = pool.connect.bind(pool) as (cb: (e: Error | undefined, c?: pg.PoolClient) => void) => void;
  (pool as { connect: unknown }).connect = (cb: (e: Error | undefined, c?: pg.PoolClient) => void) =>
    connect((error, client) => {
      if (client && !(client as { counted?: boolean }).counted) {
        (client as { counted?: boolean }).counted = true;
        const clientQuery = client.query.bind(client) as (
          text: string,
          params?: unknown[],
        ) => Promise<pg.QueryResult>;
        // pool.query runs on a checked-out connection with a callback: counted above, passed through.
        (client as { query: unknown }).query = async (text: string, params?: unknown[], done?: unknown) => {
          if (done !== undefined) return (clientQuery as (...a: unknown[]) => unknown)(text, params, done);
          counter.statements += 1;
          if (/^\s*COMMIT\b/i.test(text)) counter.commits += 1;
          const result = await clientQuery(text, params);
          counter.rows += result.rows?.length ?? 0;
          return result;
        };
      }
      cb(error, client);
    });
  return pool;
}

/**
 * PGlite with its statements counted; its transaction() sends BEGIN and COMMIT itself. exec() is
 * passed through, as pgliteClient runs its parameterised statements there (PREPARE once per
 * statement text, not counted: a one-time cost like a driver's parse; then EXECUTE each time).
 */
function countingPglite(db: PGlite, counter: Counter): PgliteDatabase {
  /** Whether each prepared statement only reads (an EXECUTE of it outside a transaction commits nothing). */
  const reads = new Map<string, boolean>();
  const counted = (q: PGlite | Transaction, autocommit: boolean): PgliteQueryable => ({
    async query<Row>(text: string, params?: unknown[]) {
      counter.statements += 1;
      if (autocommit && !isRead(text)) counter.commits += 1;
      const result = await q.query<Row>(text, params);
      counter.rows += result.rows.length;
      return result;
    },
    async exec(text: string) {
      const results = await q.exec(text);
      const prepare = /^\s*PREPARE\s+(\w+)\s+AS\s+([\s\S]*)$/i.exec(text);
      if (prepare) {
        reads.set(prepare[1] as string, isRead(prepare[2] as string));
        return results;
      }
      counter.statements += 1;
      const executed = /^\s*EXECUTE\s+(\w+)/i.exec(text)?.[1];
      const read = executed !== undefined ? reads.get(executed) === true : isRead(text);
      if (autocommit && !read) counter.commits += 1;
      for (const r of results) counter.rows += r.rows.length;
      return results;
    },
  });
  return {
    ...counted(db, true),
    async transaction<T>(callback: (tx: PgliteQueryable) => Promise<T>) {
      counter.statements += 2;
      counter.commits += 1;
      return db.transaction((tx) => callback(counted(tx, false)));
    },
    close: () => db.close(),
  };
}

describe("a paid refund through RefundService.refund costs two commits and a handful of statements", () => {
  let sandbox: WechatSandbox;
  const stamp = `${Date.now().toString(36)}${process.pid}`;

  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "public_key" }],
      refundIntervalMs: 0,
      allowLoopbackHttpNotify: true,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  async function measure(client: SqlClient, counter: Counter, prefix: string) {
    const scratch = await createScratchSchema(client, "pb_e2e_trips");
    try {
      const ledger: RefundLedger = new PostgresRefundLedger(client, { schema: scratch.schema });
      const service = new RefundService({
        gateway: wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin)),
        ledger,
        rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
      });
      const outTradeNo = `TRIPS${prefix}${stamp}`;
      const paid = paidWechatOrder(sandbox, outTradeNo, 5_000);
      await service.recordOrder({
        outTradeNo,
        merchantId: WECHAT_MERCHANT_ID,
        total: { fen: 5_000, currency: "CNY" },
        paidAt: paid.successTime ?? new Date(),
      });
      const costs: Counter[] = [];
      // 50 partial refunds of one order (WeChat's limit): the last must cost what the first does.
      for (let n = 1; n <= 50; n++) {
        fresh(counter);
        const refund = await service.refund({
          outTradeNo,
          outRefundNo: `${outTradeNo}R${n}`,
          amount: { fen: 100, currency: "CNY" },
        });
        expect(refund.state, `refund ${n}`).toBe(RefundState.SUBMITTED);
        costs.push({ ...counter });
      }
      const refunds = await ledger.listRefunds(outTradeNo);
      expect(refunds).toHaveLength(50);
      expect(refunds.every((r) => r.attempts === 1 && r.state === RefundState.SUBMITTED)).toBe(true);
      return costs;
    } finally {
      await scratch.drop();
    }
  }

  function expectCheap(costs: Counter[], store: string) {
    const first = costs[0] as Counter;
    const last = costs[costs.length - 1] as Counter;
    console.log(
      `${store}: a paid refund took ${first.statements} statements and ${first.commits} commits (${first.rows} rows read); the 50th ${last.statements} / ${last.commits} (${last.rows} rows)`,
    );
    expect(first.statements).toBeLessThanOrEqual(MAX_STATEMENTS);
    expect(first.commits).toBe(COMMITS);
    // Sums and counts are taken by the database: the 50th refund reads and writes what the first does.
    expect(last).toEqual(first);
  }

  it("on embedded PGlite", async () => {
    const counter: Counter = { statements: 0, commits: 0, rows: 0 };
    const db = new PGlite();
    await db.waitReady;
    const client = pgliteClient(countingPglite(db, counter));
    try {
      expectCheap(await measure(client, counter, "L"), "PGlite");
    } finally {
      await client.close();
    }
  }, 300_000);

  it.skipIf(!databaseUrl)(
    "on PostgreSQL (pg pool)",
    async () => {
      const counter: Counter = { statements: 0, commits: 0, rows: 0 };
      const client = pgClient(countingPool(databaseUrl ?? "", counter));
      try {
        expectCheap(await measure(client, counter, "P"), "PostgreSQL");
      } finally {
        await client.close();
      }
    },
    300_000,
  );
});
