import { runRefundLedgerContract } from "@paybridge/core/testkit";
import { describe } from "vitest";
import { openPglite } from "./pglite-client.js";
import { PostgresRefundLedger } from "./postgres-ledger.js";
import { createScratchSchema } from "./scratch-schema.js";
import { connectPostgres, type SqlClient } from "./sql-client.js";

const url = process.env.DATABASE_URL;

async function ledgerOn(open: () => Promise<SqlClient>) {
  const client = await open();
  const scratch = await createScratchSchema(client, "pb_ledger");
  return {
    ledger: new PostgresRefundLedger(client, { schema: scratch.schema }),
    close: async () => {
      await scratch.drop();
      await client.close();
    },
  };
}

// Embedded PGlite always runs (it is the one-machine mode, and needs no server).
runRefundLedgerContract({
  name: "PostgresRefundLedger on PGlite",
  setup: () => ledgerOn(() => openPglite()),
});

if (!url)
  console.log("DATABASE_URL is not set: skipping 'PostgresRefundLedger on PostgreSQL' (PGlite suite runs)");
describe.skipIf(!url)("PostgreSQL server", () => {
  runRefundLedgerContract({
    name: "PostgresRefundLedger on PostgreSQL",
    setup: () => ledgerOn(async () => connectPostgres(url ?? "", { max: 12 })),
  });
});
