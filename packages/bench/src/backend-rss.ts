/**
 * `pnpm --filter @paybridge/bench run backend-rss`: the resident memory of a PostgreSQL-only
 * backend (the stores on a `pg` pool, see backend-rss-child.ts), each reading in a fresh process,
 * rounds alternating with a backend on embedded PGlite for comparison. Also says whether
 * @electric-sql/pglite can be resolved from @paybridge/postgres, i.e. whether a PostgreSQL user who
 * installs only @paybridge/postgres gets it installed.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { median } from "./ratio.js";

const rounds = Number(process.env.RSS_ROUNDS ?? 7);
const child = fileURLToPath(new URL("./backend-rss-child.js", import.meta.url));
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function reading(mode: "postgres" | "pglite"): number {
  const out = execFileSync(process.execPath, ["--expose-gc", child, mode], {
    encoding: "utf8",
    env: process.env,
  });
  return (JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { rss: number }).rss;
}

const readings = { postgres: [] as number[], pglite: [] as number[] };
for (let round = 0; round < rounds; round++) {
  // Alternate which goes first, so a slow moment of the machine lands on both.
  const order = round % 2 === 0 ? (["postgres", "pglite"] as const) : (["pglite", "postgres"] as const);
  for (const mode of order) readings[mode].push(reading(mode));
}

const postgresEntry = createRequire(import.meta.url).resolve("@paybridge/postgres");
let pgliteInstalled = true;
try {
  createRequire(postgresEntry).resolve("@electric-sql/pglite");
} catch {
  pgliteInstalled = false;
}
for (const mode of ["postgres", "pglite"] as const) {
  const values = readings[mode];
  process.stdout.write(
    `${mode === "postgres" ? "PostgreSQL-only backend" : "embedded PGlite backend"}: RSS median ${mib(median(values))} MiB ` +
      `(min ${mib(Math.min(...values))}, max ${mib(Math.max(...values))}; ${values.length} fresh processes)\n`,
  );
}
process.stdout.write(
  `@electric-sql/pglite resolvable from @paybridge/postgres: ${pgliteInstalled ? "yes" : "no"}\n`,
);
