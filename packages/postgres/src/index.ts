export {
  DEFAULT_SCHEMA,
  MIGRATIONS_TABLE,
  type Migration,
  migrate,
  quoteSchema,
} from "./migrate.js";
export { MIGRATIONS } from "./migrations.generated.js";
export {
  openPglite,
  PGLITE_PACKAGE,
  type PgliteDatabase,
  type PgliteQueryable,
  pgliteClient,
} from "./pglite-client.js";
export { PostgresNotificationInbox } from "./postgres-inbox.js";
export { PostgresRefundLedger } from "./postgres-ledger.js";
export { DEFAULT_POOL_SIZE, type PostgresOptions } from "./postgres-options.js";
export { appendEvent, outboxTable, PostgresOutbox } from "./postgres-outbox.js";
export { PostgresPaymentLedger } from "./postgres-payment-ledger.js";
export { createScratchSchema } from "./scratch-schema.js";
export {
  connectPostgres,
  pgClient,
  type QueryOptions,
  type SqlClient,
  type SqlExecutor,
} from "./sql-client.js";
export { isTransientStoreError, sqlStateOf } from "./store-errors.js";
