/**
 * Runs one side of the reconcile benchmark alone, for a CPU profile:
 *   PROFILE_SIDE=paybridge|floor pnpm --filter @paybridge/bench run profile:reconcile
 * (node --cpu-prof into .profiles/). `node dist/profile-reconcile.js summary FILE.cpuprofile`
 * prints where the busy time of such a profile went. The benchmark itself interleaves the two
 * sides; one side alone is easier to read.
 */
import { summarizeCpuProfile } from "./cpu-profile.js";
import { candidatePass, floorPass } from "./reconcile.js";

const [mode, file] = process.argv.slice(2);
if (mode === "summary") {
  if (file === undefined) throw new Error("profile-reconcile summary: name the .cpuprofile file");
  const s = summarizeCpuProfile(file);
  console.log(`sampled ${s.sampledMs.toFixed(0)} ms, busy ${(s.busy * 100).toFixed(0)}%`);
  for (const c of s.categories) console.log(`  ${(c.share * 100).toFixed(1)}%  ${c.name}`);
  console.log("self time:");
  for (const t of s.topSelf) console.log(`  ${(t.share * 100).toFixed(1)}%  ${t.name}`);
} else {
  const rows = Number(process.env.PROFILE_ROWS ?? 1_000_000);
  const side = process.env.PROFILE_SIDE ?? "paybridge";
  const start = process.hrtime.bigint();
  const read = side === "floor" ? await floorPass(rows) : await candidatePass(rows, () => {});
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${side}: ${read} records in ${ms.toFixed(0)} ms (${((rows / ms) * 1000).toFixed(0)} rows/s)`);
}
