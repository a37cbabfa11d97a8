import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The published builds, not the sources: every library package must load from a plain Node
// script through both `import` and `require`, and both must expose the same names, each function
// and class under the same `.name` (the provider ESM entries are esbuild bundles, which rename a
// class such as WechatPayProvider to "_WechatPayProvider" unless told to keep names).
const packagesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const libraries = readdirSync(packagesDir)
  .map((dir) => join(packagesDir, dir, "package.json"))
  .filter((file) => existsSync(file))
  .map((file) => ({ dir: dirname(file), pkg: JSON.parse(readFileSync(file, "utf8")) }))
  .filter(({ pkg }) => pkg.exports && !pkg.private);

/** Each export as "name" or, for a function or class, "name: its .name". */
function exportedNames(dir: string, specifier: string, mode: "import" | "require"): string[] {
  const listing =
    '(m) => Object.entries(m).filter(([k]) => k !== "default")' +
    '.map(([k, v]) => (typeof v === "function" ? k + ": " + v.name : k)).sort()';
  const script =
    mode === "require"
      ? `console.log(JSON.stringify((${listing})(require(${JSON.stringify(specifier)}))))`
      : `console.log(JSON.stringify((${listing})(await import(${JSON.stringify(specifier)}))))`;
  const args = mode === "require" ? ["-e", script] : ["--input-type=module", "-e", script];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: dir, encoding: "utf8" }));
}

describe("built packages", () => {
  it("finds the library packages", () => {
    expect(libraries.map((l) => l.pkg.name)).toContain("@paybridge/core");
  });
  for (const { dir, pkg } of libraries) {
    const entries = Object.keys(pkg.exports).filter((k) => k !== "./package.json");
    for (const entry of entries) {
      const specifier = entry === "." ? pkg.name : `${pkg.name}/${entry.slice(2)}`;
      // The testkit imports vitest, which cannot be required from CommonJS; it is ESM-only in use.
      if (specifier.endsWith("/testkit")) continue;
      it(`${specifier} loads through import and require with the same exports`, () => {
        const esm = exportedNames(dir, specifier, "import");
        const cjs = exportedNames(dir, specifier, "require");
        expect(esm.length).toBeGreaterThan(0);
        expect(cjs).toEqual(esm);
      });
    }
  }
});
