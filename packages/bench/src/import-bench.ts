/**
 * `pnpm --filter @paybridge/bench run import-time`: cold import of each PayBridge package against
 * its raw SDK alone (import-time.ts), IMPORT_ROUNDS fresh-process pairs each (default 21).
 */
import { loadavg } from "node:os";
import { benchClockFromEnv } from "./clock.js";
import { benchImports, IMPORT_PAIRS, IMPORT_TARGET, spread, type TimedPair } from "./import-time.js";

/** One pair's figure; the target is the import's (issue 15 item 5), so only that line says met or missed. */
function importLine(r: TimedPair, target: boolean): string {
  const s = spread(r.ratios);
  const verdict = target
    ? ` (${r.medianRatio <= IMPORT_TARGET ? "met" : "missed"} <= ${IMPORT_TARGET}x)`
    : "";
  return (
    `${r.paybridgeMs.toFixed(1)} ms / ${r.rawMs.toFixed(1)} ms, median ratio ${r.medianRatio.toFixed(2)}x${verdict}, ` +
    `quartiles ${s.q1.toFixed(2)}-${s.q3.toFixed(2)}, range ${s.min.toFixed(2)}-${s.max.toFixed(2)}; ` +
    `rounds ${r.ratios.map((v) => v.toFixed(2)).join(" ")}`
  );
}

const rounds = Number(process.env.IMPORT_ROUNDS ?? 21);
const only = process.env.IMPORT_ONLY;
process.stdout.write(
  `cold import, ${rounds} interleaved fresh-process rounds, ${benchClockFromEnv().name} (load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})\n`,
);
// IMPORT_ONLY picks the pairs before any round runs, so a targeted run spawns only their processes.
const pairs = IMPORT_PAIRS.filter((p) => !only || p.name.includes(only));
for (const r of benchImports(rounds, pairs)) {
  process.stdout.write(`${r.name}: ${importLine(r, true)}\n`);
  if (r.construct)
    process.stdout.write(`${r.name}, import + construct one client: ${importLine(r.construct, false)}\n`);
}
process.stdout.write(
  `(load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})\n`,
);
