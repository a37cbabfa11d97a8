import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  computeSurface,
  libraryEntries,
  renderSurface,
  rootClashes,
  type Surface,
  surfaceFile,
} from "../api-surface/api-surface.mjs";

// The public surface is a decision: a name added to, dropped from or moved between entries must
// show in docs/api/surface.json (`pnpm docs:api` rewrites it with the TypeDoc pages), so it is
// reviewed in the diff instead of slipping out through an `export *`.
const committed = JSON.parse(readFileSync(surfaceFile, "utf8")) as Surface;
const current = computeSurface();

describe("public API surface (docs/api/surface.json)", () => {
  it("every package entry exports exactly the committed names, kinds and declarations", () => {
    const names = (s: Surface) =>
      Object.entries(s).flatMap(([pkg, entries]) =>
        Object.entries(entries).flatMap(([entry, byName]) =>
          Object.entries(byName).map(([name, { kind, from }]) => `${pkg} ${entry} ${name} ${kind} ${from}`),
        ),
      );
    const now = new Set(names(current));
    const then = new Set(names(committed));
    // Listed separately so the failure says what was added and what went missing.
    expect({
      added: [...now].filter((n) => !then.has(n)),
      missing: [...then].filter((n) => !now.has(n)),
    }).toEqual({ added: [], missing: [] });
    expect(renderSurface(current)).toBe(readFileSync(surfaceFile, "utf8"));
  });

  it("no two packages' root entries export one name with two meanings (core's names are not shadowed)", () => {
    expect(rootClashes(current)).toEqual([]);
  });

  it("the clash check sees a shadowing name (the check above can fail)", () => {
    const shadowed: Surface = {
      ...current,
      "@paybridge/example": { ".": { RefundResult: { kind: "interface", from: "example.ts#RefundResult" } } },
    };
    expect(rootClashes(shadowed).map((c) => c.name)).toEqual(["RefundResult"]);
  });

  it("every entry is a named list: no `export *` in a library package's entry files", () => {
    const offenders = libraryEntries().filter(({ source }) =>
      /^\s*export\s+(type\s+)?\*/m.test(readFileSync(source, "utf8")),
    );
    expect(offenders.map((e) => e.specifier)).toEqual([]);
  });
});
