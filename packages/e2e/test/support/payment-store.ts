import { connectPostgres, createScratchSchema, openPglite, type SqlClient } from "@paybridge/postgres";

/** A store the payment tests run on: embedded PGlite always, PostgreSQL when DATABASE_URL is set. */
export interface StoreTarget {
  readonly name: string;
  readonly open: () => Promise<{ client: SqlClient; schema: string; close: () => Promise<void> }>;
}

export function storeTargets(): StoreTarget[] {
  const url = process.env.DATABASE_URL;
  const on = (name: string, connect: () => Promise<SqlClient>): StoreTarget => ({
    name,
    open: async () => {
      const client = await connect();
      const scratch = await createScratchSchema(client, "pb_pay_e2e");
      return {
        client,
        schema: scratch.schema,
        close: async () => {
          await scratch.drop();
          await client.close();
        },
      };
    },
  });
  const targets = [on("PGlite", () => openPglite())];
  if (url) targets.push(on("PostgreSQL", async () => connectPostgres(url, { max: 12 })));
  else console.log("DATABASE_URL is not set: payment e2e runs on PGlite only");
  return targets;
}
