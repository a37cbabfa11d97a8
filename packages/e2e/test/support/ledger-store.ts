import { connectPostgres, DEFAULT_SCHEMA, openPglite, type SqlClient } from "@paybridge/postgres";

/**
 * Where a refund ledger lives, in a form a test can hand to another process: a schema on the
 * PostgreSQL server, or a PGlite data directory on disk (one process at a time may open it).
 */
export type LedgerStore =
  | { readonly kind: "postgres"; readonly url: string; readonly schema: string }
  | { readonly kind: "pglite"; readonly dataDir: string };

export async function openLedgerStore(store: LedgerStore): Promise<{ client: SqlClient; schema: string }> {
  if (store.kind === "postgres")
    return { client: connectPostgres(store.url, { max: 4 }), schema: store.schema };
  return { client: await openPglite(store.dataDir), schema: DEFAULT_SCHEMA };
}
