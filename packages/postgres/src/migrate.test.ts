import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { migrate, splitStatements } from "./migrate.js";
import { MIGRATIONS } from "./migrations.generated.js";
import { openPglite } from "./pglite-client.js";
import { createScratchSchema } from "./scratch-schema.js";
import { connectPostgres, type SqlClient } from "./sql-client.js";

const dir = fileURLToPath(new URL("../migrations/", import.meta.url));
const url = process.env.DATABASE_URL;

describe("migrations", () => {
  it("embedded migrations are exactly migrations/*.sql (run `node scripts/embed-migrations.mjs` after editing)", () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort();
    expect(MIGRATIONS.map((m) => m.id)).toEqual(files.map((f) => f.replace(/\.sql$/, "")));
    for (const [i, f] of files.entries()) expect(MIGRATIONS[i]?.sql).toBe(readFileSync(dir + f, "utf8"));
  });

  it("splits statements, skipping comments and keeping quoted semicolons", () => {
    expect(splitStatements("-- a; comment\nCREATE TABLE t (x text DEFAULT ';');\n\nSELECT 1;")).toEqual([
      "CREATE TABLE t (x text DEFAULT ';')",
      "SELECT 1",
    ]);
  });

  const targets: [string, () => Promise<SqlClient>][] = [["PGlite", () => openPglite()]];
  if (url) targets.push(["PostgreSQL", async () => connectPostgres(url)]);
  for (const [name, open] of targets) {
    it(`applies each migration once and records it (${name}); concurrent runs take turns`, async () => {
      const client = await open();
      const { schema, drop } = await createScratchSchema(client, "pb_migrate");
      try {
        expect(await migrate(client, { schema })).toEqual([]);
        const extra = {
          id: "9999_extra",
          sql: "CREATE TABLE extra_t (id int PRIMARY KEY); INSERT INTO extra_t VALUES (1);",
        };
        const runs = await Promise.all(
          [1, 2, 3].map(() => migrate(client, { schema, migrations: [...MIGRATIONS, extra] })),
        );
        expect(runs.flat()).toEqual(["9999_extra"]);
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM "${schema}".paybridge_migrations ORDER BY id`,
        );
        expect(rows.map((r) => r.id)).toEqual([...MIGRATIONS.map((m) => m.id), "9999_extra"]);
      } finally {
        await drop();
        await client.close();
      }
    });
  }
  it("migrates into the `paybridge` schema by default, beside an app's golang-migrate schema_migrations in public", async () => {
    const client = await openPglite();
    try {
      // golang-migrate's own table: (version bigint, dirty boolean), no `id` column.
      await client.query(
        "CREATE TABLE public.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)",
      );
      await client.query("INSERT INTO public.schema_migrations VALUES (20240101, false)");
      await client.query("CREATE TABLE public.refunds (id serial PRIMARY KEY, note text)");
      expect(await migrate(client)).toEqual(MIGRATIONS.map((m) => m.id));
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'paybridge' ORDER BY table_name",
      );
      expect(rows.map((r) => r.table_name)).toContain("paybridge_migrations");
      expect(rows.map((r) => r.table_name)).toContain("refunds");
      // The app's tables are untouched.
      const app = await client.query<{ version: string }>("SELECT version FROM public.schema_migrations");
      expect(app.rows.map((r) => String(r.version))).toEqual(["20240101"]);
      const cols = await client.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'refunds' ORDER BY column_name",
      );
      expect(cols.rows.map((r) => r.column_name)).toEqual(["id", "note"]);
    } finally {
      await client.close();
    }
  });

  if (!url)
    console.log("DATABASE_URL is not set: skipping the migration test on a PostgreSQL server (PGlite runs)");
});
