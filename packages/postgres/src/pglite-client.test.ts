import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteClient } from "./pglite-client.js";
import type { SqlClient } from "./sql-client.js";

/**
 * pgliteClient runs parameterised statements as PREPAREd ones with the values written as
 * literals: every value must reach the database exactly as PGlite's bound parameters deliver it,
 * quotes, backslashes and all, and never as SQL.
 */
describe("pgliteClient prepared statements", () => {
  let db: PGlite;
  let client: SqlClient;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
    client = pgliteClient(db);
    await db.exec("CREATE TABLE kept (v text)");
  });
  afterAll(async () => {
    await client?.close();
  });

  const tricky = [
    "plain",
    "it's",
    "''",
    "back\\slash",
    "\\'",
    "E'\\\\'",
    "'); DROP TABLE kept; --",
    "退款 原因 🧾",
    "",
    "line\nbreak\ttab",
    '{"a":"b\\"c"}',
  ];

  it("delivers every text value as bound parameters do, and runs none of it as SQL", async () => {
    for (const v of tricky) {
      const prepared = await client.query<{ v: string }>("SELECT $1::text AS v", [v]);
      const bound = await db.query<{ v: string }>("SELECT $1::text AS v", [v]);
      expect(prepared.rows[0]?.v, JSON.stringify(v)).toBe(v);
      expect(prepared.rows).toEqual(bound.rows);
      await client.query("INSERT INTO kept (v) VALUES ($1)", [v]);
    }
    const kept = await db.query<{ v: string }>("SELECT v FROM kept");
    expect(kept.rows.map((r) => r.v)).toEqual(tricky);
  });

  it("delivers numbers, bigints, booleans, dates, nulls, JSON and flat arrays with their types", async () => {
    const at = new Date("2025-03-01T12:34:56.789Z");
    const text = `SELECT $1::bigint AS n, $2::smallint AS s, $3::boolean AS b, $4::timestamptz AS t,
      $5::text AS nothing, $6::jsonb AS j, $7::smallint[] AS a, $8::text[] AS words, $9::bigint AS big`;
    const params = [
      9_007_199_254_740_991,
      4,
      false,
      at,
      null,
      JSON.stringify({ k: "v'\\" }),
      [0, 1, 4],
      ['a"b', "c\\d", null],
      12n,
    ];
    const prepared = await client.query(text, params);
    const bound = await db.query(text, params);
    expect(prepared.rows).toEqual(bound.rows);
    expect(prepared.rows[0]).toMatchObject({
      s: 4,
      b: false,
      t: at,
      nothing: null,
      j: { k: "v'\\" },
      a: [0, 1, 4],
    });
    expect((prepared.rows[0] as { words: unknown }).words).toEqual(['a"b', "c\\d", null]);
  });

  it("prepares a statement once and reuses it, inside and outside transactions", async () => {
    const count = async () =>
      Number(
        (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements")).rows[0]?.n,
      );
    const before = await count();
    for (let i = 0; i < 5; i++) await client.query("SELECT $1::int + 1 AS v", [i]);
    await client.transaction(async (tx) => {
      expect((await tx.query<{ v: number }>("SELECT $1::int + 1 AS v", [41])).rows[0]?.v).toBe(42);
    });
    expect(await count()).toBe(before + 1);
  });

  it("keeps a rolled-back transaction's work undone and its errors as database errors", async () => {
    await expect(
      client.transaction(async (tx) => {
        await tx.query("INSERT INTO kept (v) VALUES ($1)", ["rolled back"]);
        await tx.query("SELECT 1 / $1::int AS v", [0]);
      }),
    ).rejects.toMatchObject({ code: "STORE_UNAVAILABLE", sqlState: "22012" });
    expect((await db.query("SELECT v FROM kept WHERE v = 'rolled back'")).rows).toEqual([]);
  });

  it("sends a value with no literal form (a string with NUL) through the bound path, which refuses it", async () => {
    const viaClient = await client.query("SELECT $1::text AS v", ["a\u0000b"]).catch((e: unknown) => e);
    expect(viaClient).toMatchObject({ code: "STORE_UNAVAILABLE" });
  });
});
