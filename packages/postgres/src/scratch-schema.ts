import { randomBytes } from "node:crypto";
import { migrate, quoteSchema } from "./migrate.js";
import type { SqlClient } from "./sql-client.js";

/**
 * A fresh schema with the ledger migrated into it, and a function that drops it. Tests use one
 * per file (or per case) so parallel test files and processes never see each other's rows.
 */
export async function createScratchSchema(
  client: SqlClient,
  prefix = "pb_test",
): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`.toLowerCase();
  await migrate(client, { schema });
  return {
    schema,
    drop: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
    },
  };
}
