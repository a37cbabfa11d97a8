import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { MemoryLogger, StoreUnavailableError, ValidationError } from "@paybridge/core";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { resolvePostgresOptions } from "./postgres-options.js";
import { connectPostgres, type SqlClient } from "./sql-client.js";

const url = process.env.DATABASE_URL;
if (!url)
  console.log("DATABASE_URL is not set: skipping the PostgreSQL pool error tests (they need a server)");

const uniqueName = (what: string) => `pb_${what}_${process.pid}_${randomBytes(4).toString("hex")}`;

/** Runs `sql` on a separate connection of its own (not one of the pool under test). */
async function asAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Terminates every backend opened under `applicationName`: only this test's own connections. */
function terminateBackends(applicationName: string): Promise<number> {
  return asAdmin(async (admin) => {
    const { rows } = await admin.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    return rows.filter((r) => r.ok === true).length;
  });
}

async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  capMs = 60_000,
): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > capMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("postgres options", () => {
  it("fills in the documented defaults", () => {
    expect(resolvePostgresOptions()).toEqual({
      max: 10,
      connectionTimeoutMs: 5_000,
      statementTimeoutMs: 15_000,
      lockTimeoutMs: 5_000,
      idleInTransactionTimeoutMs: 60_000,
      idleTimeoutMs: 10_000,
      applicationName: "paybridge",
      transactionRetries: 3,
    });
  });

  it("names the field and the rule of a bad option, before connecting", () => {
    const bad = [
      [{ lockTimeoutMs: 0 }, "postgres.lockTimeoutMs", "at least 1 ms"],
      [{ statementTimeoutMs: 1.5 }, "postgres.statementTimeoutMs", "whole number"],
      [{ max: 0 }, "postgres.max", "at least 1"],
      [{ applicationName: "x".repeat(64) }, "postgres.applicationName", "1-63 printable"],
      [{ connectTimeout: 5 }, "postgres", "connectTimeout"],
    ] as const;
    for (const [options, field, rule] of bad) {
      let caught: unknown;
      try {
        connectPostgres("postgres://nobody@127.0.0.1:1/none", options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).field).toBe(field);
      expect((caught as ValidationError).message).toContain(rule);
    }
  });
});

describe("connectPostgres against an address with no server", () => {
  it("fails fast with a retryable StoreUnavailableError carrying the cause (closed port)", async () => {
    const db = connectPostgres(`postgres://postgres@127.0.0.1:${await closedPort()}/none`);
    try {
      const started = Date.now();
      const error = await db.query("SELECT 1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).retryable).toBe(true);
      expect((error as StoreUnavailableError).sqlState).toBeUndefined();
      expect(String((error as StoreUnavailableError).cause)).toMatch(/ECONNREFUSED/);
      const tx = await db.transaction(async (t) => t.query("SELECT 1")).catch((e: unknown) => e);
      expect(tx).toBeInstanceOf(StoreUnavailableError);
      // Refused connections answer at once; the hang detector is generous, the bound is not a budget.
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await db.close();
    }
  });

  it("gives up on a server that accepts but never answers after connectionTimeoutMs", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const db = connectPostgres(`postgres://postgres@127.0.0.1:${port}/none`, {
      connectionTimeoutMs: 300,
      transactionRetries: 0,
    });
    try {
      const error = await db.query("SELECT 1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).retryable).toBe(true);
      expect((error as StoreUnavailableError).message).toMatch(/timeout/i);
    } finally {
      await db.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe.skipIf(!url)("connectPostgres on a PostgreSQL server that misbehaves", () => {
  const clients: SqlClient[] = [];
  const open = (applicationName: string, extra: Parameters<typeof connectPostgres>[1] = {}) => {
    const logger = new MemoryLogger();
    const db = connectPostgres(url ?? "", { applicationName, logger, ...extra });
    clients.push(db);
    return { db, logger };
  };
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
  });

  it("survives its idle backends being terminated (no unhandled 'error'), logs it and reconnects", async () => {
    const name = uniqueName("idle");
    const { db, logger } = open(name, { max: 4 });
    // Four idle backends in the pool.
    await Promise.all(Array.from({ length: 4 }, () => db.query("SELECT pg_sleep(0.05)")));
    expect(await terminateBackends(name)).toBe(4);
    await until(
      () =>
        logger.lines.filter((l) => l.obj && (l.obj as { sqlState?: string }).sqlState === "57P01").length ===
        4,
      "the pool to report its 4 terminated connections",
    );
    expect(logger.text()).toContain("the pool opens a new one on next use");
    // The pool opens new connections on the next checkout.
    const { rows } = await db.query<{ n: number }>("SELECT 1 AS n");
    expect(rows).toEqual([{ n: 1 }]);
    expect(await db.transaction(async (tx) => (await tx.query<{ n: number }>("SELECT 2 AS n")).rows)).toEqual(
      [{ n: 2 }],
    );
  });

  it("turns a backend terminated inside a transaction into a retryable StoreUnavailableError (57P01)", async () => {
    const name = uniqueName("tx");
    const { db, logger } = open(name, { max: 2 });
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const running = db
      .transaction(async (tx) => {
        await tx.query("SELECT 1");
        inside();
        // Idle inside the transaction while the backend is terminated, then use it again.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query("SELECT 2");
      })
      .catch((e: unknown) => e);
    await entered;
    expect(await terminateBackends(name)).toBeGreaterThanOrEqual(1);
    const error = await running;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).retryable).toBe(true);
    expect(logger.text()).toContain("PostgreSQL connection lost in a transaction");
    expect((await db.query<{ n: number }>("SELECT 3 AS n")).rows).toEqual([{ n: 3 }]);
  });

  it("bounds statements (57014) and lock waits (55P03) with the configured timeouts", async () => {
    const { db: hasty } = open(uniqueName("stmt"), { statementTimeoutMs: 200 });
    const slow = await hasty.query("SELECT pg_sleep(5)").catch((e: unknown) => e);
    expect(slow).toMatchObject({ name: "StoreUnavailableError", sqlState: "57014", retryable: true });
    // The client-side bound, for a network that drops silently: the query fails, its connection goes.
    const { db: impatient } = open(uniqueName("read"), { queryTimeoutMs: 200 });
    const unanswered = await impatient.query("SELECT pg_sleep(3)").catch((e: unknown) => e);
    expect(unanswered).toMatchObject({ name: "StoreUnavailableError", sqlState: undefined, retryable: true });
    expect(String(unanswered)).toMatch(/Query read timeout/);
    expect((await impatient.query<{ n: number }>("SELECT 4 AS n")).rows).toEqual([{ n: 4 }]);
    const { db } = open(uniqueName("lock"), { lockTimeoutMs: 200 });
    const table = `pb_lock_${randomBytes(4).toString("hex")}`;
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    try {
      await db.query(`INSERT INTO ${table} VALUES (1)`);
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      try {
        await holder.query("BEGIN");
        await holder.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`);
        const blocked = await db
          .transaction((tx) => tx.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`))
          .catch((e: unknown) => e);
        expect(blocked).toMatchObject({ name: "StoreUnavailableError", sqlState: "55P03", retryable: true });
        await holder.query("ROLLBACK");
      } finally {
        await holder.end();
      }
    } finally {
      await db.query(`DROP TABLE ${table}`);
    }
  });

  it("runs a deadlock victim again (bounded), and reports it as StoreUnavailableError 40P01 when retries are off", async () => {
    const table = `pb_deadlock_${randomBytes(4).toString("hex")}`;
    const { db: setup } = open(uniqueName("dl_setup"));
    await setup.query(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL)`);
    await setup.query(`INSERT INTO ${table} VALUES (1, 0), (2, 0)`);
    try {
      for (const retries of [3, 0]) {
        const { db } = open(uniqueName("dl"), { transactionRetries: retries, max: 4 });
        let runs = 0;
        let arrived = 0;
        let meet!: () => void;
        const bothLocked = new Promise<void>((resolve) => {
          meet = resolve;
        });
        // Two transactions lock rows 1 and 2 in opposite orders after both hold their first row.
        const crossing = (first: number, second: number) =>
          db.transaction(async (tx) => {
            runs += 1;
            await tx.query(`UPDATE ${table} SET n = n + 1 WHERE id = $1`, [first]);
            arrived += 1;
            if (arrived === 2) meet();
            await bothLocked;
            await tx.query(`UPDATE ${table} SET n = n + 1 WHERE id = $1`, [second]);
          });
        const results = await Promise.allSettled([crossing(1, 2), crossing(2, 1)]);
        const rejected = results.filter((r) => r.status === "rejected");
        if (retries > 0) {
          expect(rejected).toEqual([]);
          expect(runs).toBe(3);
        } else {
          expect(rejected).toHaveLength(1);
          expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({
            name: "StoreUnavailableError",
            sqlState: "40P01",
            retryable: true,
          });
        }
      }
      // 3 committed transactions each added 1 to both rows.
      expect((await setup.query(`SELECT sum(n)::int AS s FROM ${table}`)).rows).toEqual([{ s: 6 }]);
    } finally {
      await setup.query(`DROP TABLE ${table}`);
    }
  });
});
