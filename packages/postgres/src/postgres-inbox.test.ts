import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite } from "./pglite-client.js";
import { PostgresNotificationInbox } from "./postgres-inbox.js";
import { createScratchSchema } from "./scratch-schema.js";
import { connectPostgres, type SqlClient } from "./sql-client.js";

const url = process.env.DATABASE_URL;

/** Two clients on one database: two pools on a server, or the one embedded PGlite twice. */
type Open = () => Promise<{ a: SqlClient; b: SqlClient; close: () => Promise<void> }>;

const targets: [string, Open][] = [
  [
    "PGlite",
    async () => {
      const db = await openPglite();
      return { a: db, b: db, close: () => db.close() };
    },
  ],
];
if (url) {
  targets.push([
    "PostgreSQL",
    async () => {
      const a = connectPostgres(url, { max: 4 });
      const b = connectPostgres(url, { max: 4 });
      return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
    },
  ]);
} else {
  console.log("DATABASE_URL is not set: skipping 'PostgresNotificationInbox on PostgreSQL' (PGlite runs)");
}

for (const [name, open] of targets) {
  describe(`PostgresNotificationInbox on ${name}`, () => {
    // One database per suite (starting PGlite takes seconds); each case in its own schema, so cases
    // and files never see each other's keys.
    let clients: Awaited<ReturnType<Open>> | undefined;
    // PGlite's start-up is CPU-bound: on a loaded machine it takes longer than the 30 s default.
    beforeAll(async () => {
      clients = await open();
    }, 600_000);
    afterAll(async () => {
      await clients?.close();
    });

    async function withInboxes(
      fn: (a: PostgresNotificationInbox, b: PostgresNotificationInbox, table: string) => Promise<void>,
    ) {
      if (!clients) throw new Error("the suite's database did not open");
      const scratch = await createScratchSchema(clients.a, "pb_inbox");
      try {
        await fn(
          new PostgresNotificationInbox(clients.a, { schema: scratch.schema }),
          new PostgresNotificationInbox(clients.b, { schema: scratch.schema }),
          `"${scratch.schema}".notification_inbox`,
        );
      } finally {
        await scratch.drop();
      }
    }

    it("remembers a key for every instance on the database, and only that key", async () => {
      await withInboxes(async (a, b) => {
        const key = "id:wechatpay:EV-2025-0001";
        expect(await a.has(key)).toBe(false);
        expect(await b.has(key)).toBe(false);
        await a.remember(key, new Date());
        expect(await a.has(key)).toBe(true);
        expect(await b.has(key)).toBe(true);
        expect(await b.has("id:wechatpay:EV-2025-0002")).toBe(false);
        // Keys are bound parameters: quotes and non-ASCII are stored as they are.
        const odd = "state:alipay:m'1:trade:订单'; DROP TABLE notification_inbox; --:3";
        await b.remember(odd, new Date());
        expect(await a.has(odd)).toBe(true);
      });
    });

    it("remembering a key twice, or from two instances at once, keeps one row and the first time", async () => {
      await withInboxes(async (a, b, table) => {
        const key = "state:wechatpay:wx-main:refund:R1:4";
        const first = new Date("2025-03-01T08:00:00Z");
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? b : a).remember(key, i === 0 ? first : new Date(first.getTime() + 1000 * i)),
          ),
        );
        await a.remember(key, new Date("2025-03-02T08:00:00Z"));
        const { rows } = await (clients?.a ?? fail()).query<{ n: number; received_at: Date }>(
          `SELECT count(*)::int AS n, min(received_at) AS received_at FROM ${table} WHERE dedupe_key = $1`,
          [key],
        );
        expect(rows[0]?.n).toBe(1);
        // One of the concurrent writes won; every later one was ignored.
        expect(rows[0]?.received_at.getTime()).toBeLessThan(first.getTime() + 10_000);
      });
    });

    it("prune(olderThan) forgets exactly the keys received before it", async () => {
      await withInboxes(async (a, b) => {
        const t = Date.parse("2025-03-01T00:00:00Z");
        await a.remember("old-1", new Date(t - 2 * 86_400_000));
        await a.remember("old-2", new Date(t - 1));
        await b.remember("at-cutoff", new Date(t));
        await b.remember("new", new Date(t + 3_600_000));
        expect(await b.prune(new Date(t))).toBe(2);
        expect(await a.has("old-1")).toBe(false);
        expect(await a.has("old-2")).toBe(false);
        expect(await a.has("at-cutoff")).toBe(true);
        expect(await a.has("new")).toBe(true);
        expect(await a.prune(new Date(t))).toBe(0);
      });
    });
  });
}

function fail(): never {
  throw new Error("the suite's database did not open");
}
