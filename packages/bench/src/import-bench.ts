/**
 * `pnpm --filter @paybridge/bench run import-time`: cold import of each PayBridge package against
 * its raw SDK alone (import-time.ts), IMPORT_ROUNDS fresh-process pairs each (default 21).
 */
import { loadavg } from "node:os";
import { benchImports, IMPORT_TARGET } from "./import-time.js";

const rounds = Number(process.env.IMPORT_ROUNDS ?? 21);
const only = process.env.IMPORT_ONLY;
process.stdout.write(
  `cold import, ${rounds} interleaved fresh-process rounds (load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})\n`,
);
for (const r of benchImports(rounds).filter((r) => !only || r.name.includes(only))) {
  process.stdout.write(
    `${r.name}: ${r.paybridgeMs.toFixed(1)} ms / ${r.rawMs.toFixed(1)} ms, median ratio ${r.medianRatio.toFixed(2)}x ` +
      `(${r.medianRatio <= IMPORT_TARGET ? "met" : "missed"} <= ${IMPORT_TARGET}x); rounds ${r.ratios.map((v) => v.toFixed(2)).join(" ")}\n`,
  );
}
process.stdout.write(
  `(load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})\n`,
);
