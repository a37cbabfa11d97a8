import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A contributor's first step (docs/providers/adding.md): `new-provider <id>` copies the template
// provider (@paybridge/memory) into a package of its own, which builds and passes the provider
// conformance suite as it stands. Run here outside the workspace, in a temporary folder shaped
// like it (packages/<id> beside a tsconfig.base.json), against the built @paybridge/core.
const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const script = join(repo, "packages", "memory", "scripts", "new-provider.mjs");
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
const vitest = join(repo, "node_modules", "vitest", "vitest.mjs");
const ID = "acme-pay";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe("new-provider: a provider made from the template", () => {
  let root: string;
  let pkg: string;
  let output: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "paybridge-new-provider-"));
    mkdirSync(join(root, "packages"));
    copyFileSync(join(repo, "tsconfig.base.json"), join(root, "tsconfig.base.json"));
    // What `pnpm install` links in the workspace: core (built), zod, vitest and Node's types.
    mkdirSync(join(root, "node_modules", "@paybridge"), { recursive: true });
    mkdirSync(join(root, "node_modules", "@types"), { recursive: true });
    symlinkSync(
      realpathSync(join(repo, "node_modules", "@types", "node")),
      join(root, "node_modules", "@types", "node"),
      "dir",
    );
    symlinkSync(join(repo, "packages", "core"), join(root, "node_modules", "@paybridge", "core"), "dir");
    symlinkSync(
      realpathSync(join(repo, "packages", "memory", "node_modules", "zod")),
      join(root, "node_modules", "zod"),
      "dir",
    );
    symlinkSync(
      realpathSync(join(repo, "node_modules", "vitest")),
      join(root, "node_modules", "vitest"),
      "dir",
    );
    output = execFileSync(process.execPath, [script, ID, "--dir", join(root, "packages")], {
      encoding: "utf8",
    });
    pkg = join(root, "packages", ID);
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("writes the seven-file layout under the new names, with no template name left in code", () => {
    expect(output).toContain('AcmePayProvider, provider id "acme-pay"');
    const src = readdirSync(join(pkg, "src")).sort();
    for (const file of [
      "config.ts",
      "wire-types.ts",
      "transformers.ts",
      "status-map.ts",
      "errors.ts",
      "provider.ts",
      "notification.ts",
    ]) {
      expect(src).toContain(file);
    }
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    expect(manifest.name).toBe("@paybridge/acme-pay");
    expect(manifest.scripts["new-provider"]).toBeUndefined();
    for (const file of files(pkg).filter((f) => !f.endsWith(".md"))) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/\bMemory[A-Z]|MEMORY_|"memory"|@paybridge\/memory"/);
    }
    expect(readFileSync(join(pkg, "src", "errors.ts"), "utf8")).toContain(
      'export const ACME_PAY_PROVIDER_ID = "acme-pay"',
    );
  });

  it("refuses an id outside the conformance suite's rule, and an existing folder", () => {
    for (const bad of ["AcmePay", "acme_pay", "9pay", "acme-"]) {
      const run = spawnSync(process.execPath, [script, bad, "--dir", join(root, "packages")], {
        encoding: "utf8",
      });
      expect(run.status, bad).toBe(1);
      expect(run.stderr).toContain("must match");
    }
    const again = spawnSync(process.execPath, [script, ID, "--dir", join(root, "packages")], {
      encoding: "utf8",
    });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("builds both outputs and typechecks its test under the strict base config", () => {
    for (const config of ["tsconfig.build.json", "tsconfig.cjs.json"]) {
      const run = spawnSync(process.execPath, [tsc, "-p", config], { cwd: pkg, encoding: "utf8" });
      expect(run.stdout + run.stderr, config).toBe("");
      expect(run.status).toBe(0);
    }
    writeFileSync(
      join(pkg, "tsconfig.test.json"),
      JSON.stringify({
        extends: "../../tsconfig.base.json",
        compilerOptions: { noEmit: true },
        include: ["src/**/*.ts", "test/**/*.ts"],
      }),
    );
    const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.test.json"], {
      cwd: pkg,
      encoding: "utf8",
    });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
    const esm = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", "console.log((await import('./dist/esm/index.js')).AcmePayProvider.id)"],
      { cwd: pkg, encoding: "utf8" },
    );
    expect(esm.trim()).toBe(ID);
  });

  it("passes the provider conformance suite", () => {
    const report = join(root, "conformance.json");
    const run = spawnSync(
      process.execPath,
      [vitest, "run", "--root", pkg, "--reporter=json", `--outputFile=${report}`],
      { cwd: pkg, encoding: "utf8" },
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(report, "utf8")) as {
      numTotalTests: number;
      numPassedTests: number;
      testResults: { assertionResults: { fullName: string; status: string }[] }[];
    };
    const cases = result.testResults.flatMap((t) => t.assertionResults);
    expect(cases.length).toBeGreaterThanOrEqual(9);
    expect(
      cases.every((c) => c.status === "passed" && c.fullName.startsWith("provider conformance: acme-pay")),
    ).toBe(true);
    expect(result.numPassedTests).toBe(result.numTotalTests);
  });
});
