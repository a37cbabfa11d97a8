import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadedPackages } from "./__fixtures__/import-graph.js";

const SRC = dirname(fileURLToPath(import.meta.url));

describe("@paybridge/core/ledger-kit", () => {
  it("loads no zod, tsyringe or reflect-metadata at import time (a store's cold import)", () => {
    expect([...loadedPackages(join(SRC, "ledger-kit.ts"))].sort()).toEqual([]);
  });

  it("the walk sees the root entry's packages (so an empty list above means something)", () => {
    const root = loadedPackages(join(SRC, "index.ts"));
    for (const heavy of ["reflect-metadata", "tsyringe", "zod"]) expect(root.has(heavy), heavy).toBe(true);
  });
});
