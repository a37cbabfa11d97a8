import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_END, GENERATED_START, writeReport } from "./report.js";

describe("writeReport", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-report-"));

  it("replaces only the generated block and keeps the hand-written analysis", () => {
    const path = join(dir, "performance.md");
    writeFileSync(
      path,
      `# Performance\n\nintro\n\n${GENERATED_START}\nold table\n${GENERATED_END}\n\n## Analysis\nkept by hand\n`,
    );
    writeReport(path, "| new | table |");
    const out = readFileSync(path, "utf8");
    expect(out).toContain("| new | table |");
    expect(out).not.toContain("old table");
    expect(out).toContain("## Analysis\nkept by hand");
    expect(out).toContain("intro");
  });

  it("starts a missing file from the template, analysis heading included", () => {
    const path = join(dir, "fresh.md");
    writeReport(path, "| t |");
    expect(readFileSync(path, "utf8")).toMatch(/\| t \|[\s\S]*## What the numbers mean/);
  });

  it("refuses a file whose markers were removed rather than guessing", () => {
    const path = join(dir, "broken.md");
    writeFileSync(path, "# Performance\nno markers\n");
    expect(() => writeReport(path, "| t |")).toThrow(/markers/);
  });
});
