import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { citationOffences, FORBIDDEN } from "./support/private-citations.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const TEXT =
  /\.(?:[cm]?[jt]s|tsx?|json|md|sql|ya?ml|sh|txt|html|css|d\.[cm]?ts|map)$|(?:^|\/)(?:run|LICENSE|\.gitignore)$/;

/** Every file git knows or would add (tracked plus untracked, not ignored). */
function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  });
  return out.split("\0").filter((f) => f !== "" && TEXT.test(f) && existsSync(join(root, f)));
}

/** What the packages ship: everything under packages/<pkg>/dist (declarations, code, maps). */
function builtFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (TEXT.test(name)) files.push(relative(root, full));
    }
  };
  for (const pkg of readdirSync(join(root, "packages"))) {
    const dist = join(root, "packages", pkg, "dist");
    if (existsSync(dist)) walk(dist);
  }
  return files;
}

function offences(files: readonly string[]): string[] {
  return files.flatMap((file) => citationOffences(file, readFileSync(join(root, file), "utf8")));
}

describe("no citations of documents the repository does not contain", () => {
  it("the patterns catch what they are for", () => {
    const samples = [
      `see ${"seed"} 001`,
      `(${"seed"} document 003)`,
      `the ${"seeds"}' field names`,
      `per ${"DESIGN"}.md "Errors"`,
      `${"shared"}/reference/000_x.txt`,
      ` ${"/work"}/shared/x`,
      `${"/tmp"}/notes/issue-1.md`,
    ];
    for (const s of samples)
      expect(
        FORBIDDEN.some(({ pattern }) => pattern.test(s)),
        s,
      ).toBe(true);
    // An RNG seed, an import of a sibling "shared" folder and os.tmpdir() paths stay allowed.
    for (const s of ["{ seed: 42 }", 'import { x } from "../shared/rsa.js";', "/tmp/paybridge.sock"]) {
      expect(
        FORBIDDEN.some(({ pattern }) => pattern.test(s)),
        s,
      ).toBe(false);
    }
  });

  it("in every file of the repository", () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(offences(files)).toEqual([]);
  });

  it("in every built file the packages ship (dist: .d.ts, .js, maps)", () => {
    const files = builtFiles();
    // The README's test command builds first; without a build there is nothing shipped to check.
    expect(files.some((f) => f.startsWith("packages/core/dist/") && f.endsWith(".d.ts"))).toBe(true);
    expect(offences(files)).toEqual([]);
  });
});
