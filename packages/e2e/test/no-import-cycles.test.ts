import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { importGraph } from "./support/import-cycles.js";

const packages = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tsconfig = join(packages, "..", "tsconfig.base.json");

describe("imports", () => {
  const scratch = mkdtempSync(join(tmpdir(), "paybridge-cycles-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("the checker finds a cycle of type-only imports written with .js specifiers", async () => {
    writeFileSync(join(scratch, "a.ts"), 'import type { B } from "./b.js";\nexport interface A { b: B }\n');
    writeFileSync(join(scratch, "b.ts"), 'import type { A } from "./a.js";\nexport interface B { a?: A }\n');
    writeFileSync(join(scratch, "c.ts"), 'import type { A } from "./a.js";\nexport type C = A;\n');
    const graph = await importGraph(scratch, "*.ts", tsconfig);
    expect([...graph.files].sort()).toEqual(["a.ts", "b.ts", "c.ts"]);
    expect(graph.unresolved).toEqual([]);
    expect(graph.cycles.map((c) => [...c].sort())).toEqual([["a.ts", "b.ts"]]);
  });

  it("no file in packages/*/src takes part in an import cycle", async () => {
    const graph = await importGraph(packages, "*/src/**/*.ts", tsconfig);
    // The checker read the sources (not an empty glob) and resolved every relative import.
    for (const name of readdirSync(packages)) {
      if (existsSync(join(packages, name, "src", "index.ts")))
        expect(graph.files).toContain(`${name}/src/index.ts`);
    }
    expect(graph.unresolved).toEqual([]);
    expect(graph.cycles.map((c) => c.join(" -> "))).toEqual([]);
  });
});
