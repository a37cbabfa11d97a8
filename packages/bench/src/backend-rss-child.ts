/**
 * One backend process for `backend-rss.ts`: imports the PayBridge stores, opens its database
 * (PostgreSQL at DATABASE_URL, or embedded PGlite with `pglite` as argument), migrates a scratch
 * schema, builds the ledgers and the inbox and runs a few reads, then prints its RSS (after
 * global.gc) as JSON on stdout and exits. A fresh process per reading, so nothing else has grown it.
 */
import "reflect-metadata";
import {
  connectPostgres,
  createScratchSchema,
  openPglite,
  PostgresNotificationInbox,
  PostgresPaymentLedger,
  PostgresRefundLedger,
  type SqlClient,
} from "@paybridge/postgres";

const mode = process.argv[2] === "pglite" ? "pglite" : "postgres";
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const db: SqlClient = mode === "pglite" ? await openPglite() : connectPostgres(databaseUrl);
const { schema, drop } = await createScratchSchema(db, "pb_rss");
const ledger = new PostgresRefundLedger(db, { schema });
const payments = new PostgresPaymentLedger(db, { schema });
const inbox = new PostgresNotificationInbox(db, { schema });
for (let i = 0; i < 20; i++) {
  await ledger.getOrder(`rss-${i}`);
  await payments.getPayment(`rss-${i}`);
  await inbox.has(`rss-${i}`);
}
await drop();
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ mode, rss, heapUsed })}\n`);
await db.close();
