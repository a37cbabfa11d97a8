export * from "./migrate.js";
export { MIGRATIONS } from "./migrations.generated.js";
export * from "./postgres-inbox.js";
export * from "./postgres-ledger.js";
export * from "./postgres-outbox.js";
export * from "./postgres-payment-ledger.js";
export * from "./scratch-schema.js";
export * from "./sql-client.js";
