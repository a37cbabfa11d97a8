import { ConfigurationError } from "@paybridge/core/ledger-kit";
import { MIGRATIONS } from "./migrations.generated.js";
import type { SqlClient } from "./sql-client.js";

export interface Migration {
  readonly id: string;
  readonly sql: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The schema PayBridge's tables live in unless a `schema` option says otherwise: a dedicated one,
 * so `refunds`, `payments` or the migration record never meet an application's own tables (an app
 * keeping golang-migrate's `schema_migrations` in `public`, say).
 */
export const DEFAULT_SCHEMA = "paybridge";

/** PayBridge's record of applied migrations, inside the target schema. */
export const MIGRATIONS_TABLE = "paybridge_migrations";

/** A schema name checked and quoted for SQL (it cannot be a bind parameter). */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigurationError(
      `schema ${JSON.stringify(schema)} must be lowercase letters, digits and _ (at most 63), starting with a letter or _`,
    );
  }
  return `"${schema}"`;
}

/**
 * Applies the pending migrations (the package's migrations/*.sql, embedded at build time, in name
 * order) to `schema` (default `paybridge`, created if missing), recording each in
 * `<schema>.paybridge_migrations`. Safe to run from several processes at once: a transaction-scoped advisory
 * lock on the schema name makes them take turns, and each sees what the others applied.
 * Returns the ids it applied.
 */
export async function migrate(
  client: SqlClient,
  options: { schema?: string; migrations?: readonly Migration[] } = {},
): Promise<string[]> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.id.localeCompare(b.id));
  return client.transaction(async (tx) => {
    // A migration may rightly run long (an index on a big table) and wait for another process's
    // migration: the client's statement and lock timeouts, meant for refunds, do not apply here.
    await tx.query("SET LOCAL statement_timeout = 0");
    await tx.query("SET LOCAL lock_timeout = 0");
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`paybridge.migrate.${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${q}.${MIGRATIONS_TABLE} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await tx.query<{ id: string }>(`SELECT id FROM ${q}.${MIGRATIONS_TABLE}`)).rows.map((r) => r.id),
    );
    const applied: string[] = [];
    // Unqualified names in the SQL files land in the target schema.
    await tx.query(`SET LOCAL search_path TO ${q}`);
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query(`INSERT INTO ${q}.${MIGRATIONS_TABLE} (id) VALUES ($1)`, [m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}

/**
 * Splits a migration into statements (one query each: a parameterless multi-statement query is
 * not allowed through every driver's extended protocol). Handles -- comments and quoted strings;
 * the migrations use no dollar-quoted bodies.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (!quoted && ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      current += "\n";
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === ";") {
      if (current.trim()) statements.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
