import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { migrate, splitStatements } from "./migrate.js";
import { MIGRATIONS } from "./migrations.generated.js";
import { createScratchSchema } from "./scratch-schema.js";
import { connectPostgres, openPglite, type SqlClient } from "./sql-client.js";

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
          `SELECT id FROM "${schema}".schema_migrations ORDER BY id`,
        );
        expect(rows.map((r) => r.id)).toEqual([...MIGRATIONS.map((m) => m.id), "9999_extra"]);
      } finally {
        await drop();
        await client.close();
      }
    });
  }
  if (!url)
    console.log("DATABASE_URL is not set: skipping the migration test on a PostgreSQL server (PGlite runs)");
});
