import { runOutboxContract } from "@paybridge/core/testkit";
import { describe } from "vitest";
import { openPglite } from "./pglite-client.js";
import { PostgresOutbox } from "./postgres-outbox.js";
import { createScratchSchema } from "./scratch-schema.js";
import { connectPostgres } from "./sql-client.js";

const url = process.env.DATABASE_URL;

runOutboxContract({
  name: "PostgresOutbox on PGlite",
  setup: async () => {
    const client = await openPglite();
    const scratch = await createScratchSchema(client, "pb_outbox");
    return {
      outbox: new PostgresOutbox(client, { schema: scratch.schema }),
      close: async () => {
        await scratch.drop();
        await client.close();
      },
    };
  },
});

if (!url) console.log("DATABASE_URL is not set: skipping 'PostgresOutbox on PostgreSQL' (PGlite suite runs)");
describe.skipIf(!url)("PostgreSQL server", () => {
  runOutboxContract({
    name: "PostgresOutbox on PostgreSQL (two pools)",
    setup: async () => {
      const a = connectPostgres(url ?? "", { max: 8 });
      const b = connectPostgres(url ?? "", { max: 8 });
      const scratch = await createScratchSchema(a, "pb_outbox");
      return {
        outbox: new PostgresOutbox(a, { schema: scratch.schema }),
        other: new PostgresOutbox(b, { schema: scratch.schema }),
        close: async () => {
          await scratch.drop();
          await Promise.all([a.close(), b.close()]);
        },
      };
    },
  });
});
