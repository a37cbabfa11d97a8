import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));
const CORE_SRC = join(SRC, "..", "..", "core", "src");
// Static imports load code at import time; `import type` and `import()` (PGlite, core's ledger-order schema) do not.
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?"([^"]+)"/gm;

/** The bare packages loaded when this package is imported, through core's files too. */
function loadedPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(STATIC)) {
      if (!spec) continue;
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (spec === "@paybridge/core/ledger-kit") visit(join(CORE_SRC, "ledger-kit.ts"));
      else packages.add(spec);
    }
  };
  visit(entry);
  return packages;
}

describe("@paybridge/postgres cold import (issue 15 item 5)", () => {
  it("loads pg and node built-ins only: core through its zod-free ledger-kit, no zod, tsyringe or PGlite", () => {
    const loaded = [...loadedPackages(join(SRC, "index.ts"))].filter((p) => !p.startsWith("node:"));
    expect(loaded).toEqual(["pg"]);
  });
});
