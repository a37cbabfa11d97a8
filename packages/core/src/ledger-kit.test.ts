import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));
// Static imports that load code at import time; `import type` and `import()` do not.
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?"([^"]+)"/gm;

/** The bare packages a module loads at import time, following its relative imports. */
function loadedPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(STATIC)) {
      if (!spec) continue;
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.add(spec);
    }
  };
  visit(entry);
  return packages;
}

describe("@paybridge/core/ledger-kit", () => {
  it("loads no zod, tsyringe or reflect-metadata at import time (a store's cold import)", () => {
    expect([...loadedPackages(join(SRC, "ledger-kit.ts"))].sort()).toEqual([]);
  });

  it("the walk sees the root entry's packages (so an empty list above means something)", () => {
    const root = loadedPackages(join(SRC, "index.ts"));
    for (const heavy of ["reflect-metadata", "tsyringe", "zod"]) expect(root.has(heavy), heavy).toBe(true);
  });
});
