/**
 * Runs one side of one ledger configuration, for a CPU profile or a statement count:
 *   PROFILE_STORE=postgres|pglite PROFILE_SIDE=paybridge|floor PROFILE_LAYOUT=one|many
 *   PROFILE_REFUNDERS=64 PROFILE_BATCHES=20 pnpm --filter @paybridge/bench run profile:ledger
 * The benchmark interleaves both sides; a profile of one side alone is easier to read.
 */
import "reflect-metadata";
import { openLedgerRig, pgliteStore, postgresStore } from "./ledger.js";

const env = process.env;
const store =
  env.PROFILE_STORE === "pglite"
    ? pgliteStore()
    : postgresStore(env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const side = env.PROFILE_SIDE === "floor" ? "baseline" : "candidate";
const layout = env.PROFILE_LAYOUT === "one" ? "one order" : "many orders";
const refunders = Number(env.PROFILE_REFUNDERS ?? 64);
const batches = Number(env.PROFILE_BATCHES ?? 20);
const attempts = 200;

const open = await store.open();
try {
  const rig = await openLedgerRig(open, layout, refunders, attempts);
  try {
    await rig.prepare(side, 0, batches);
    const start = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) await rig[side](i);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const decided = batches * attempts;
    console.log(
      `${store.name} ${side === "candidate" ? "paybridge" : "floor"}, ${layout}, ${refunders} refunders: ` +
        `${decided} requests in ${ms.toFixed(0)} ms (${((decided / ms) * 1000).toFixed(0)} decided/s)`,
    );
  } finally {
    await rig.close();
  }
} finally {
  await open.close();
}
