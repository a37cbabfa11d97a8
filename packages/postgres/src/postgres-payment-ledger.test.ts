import { runPaymentLedgerContract } from "@paybridge/core/testkit";
import { describe } from "vitest";
import { openPglite } from "./pglite-client.js";
import { PostgresPaymentLedger } from "./postgres-payment-ledger.js";
import { createScratchSchema } from "./scratch-schema.js";
import { connectPostgres, type SqlClient } from "./sql-client.js";

const url = process.env.DATABASE_URL;

async function ledgerOn(open: () => Promise<SqlClient>) {
  const client = await open();
  const scratch = await createScratchSchema(client, "pb_payments");
  return {
    ledger: new PostgresPaymentLedger(client, { schema: scratch.schema }),
    close: async () => {
      await scratch.drop();
      await client.close();
    },
  };
}

runPaymentLedgerContract({
  name: "PostgresPaymentLedger on PGlite",
  setup: () => ledgerOn(() => openPglite()),
});

if (!url)
  console.log("DATABASE_URL is not set: skipping 'PostgresPaymentLedger on PostgreSQL' (PGlite suite runs)");
describe.skipIf(!url)("PostgreSQL server", () => {
  runPaymentLedgerContract({
    name: "PostgresPaymentLedger on PostgreSQL",
    setup: () => ledgerOn(async () => connectPostgres(url ?? "", { max: 12 })),
  });
});
