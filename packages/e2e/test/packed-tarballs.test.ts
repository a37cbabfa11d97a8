import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { libraries, pack, packagesDir, repoRoot } from "./support/packed-libraries.js";
import { citationOffences } from "./support/private-citations.js";

// The tarballs are the product: `pnpm pack` each library package, as publishing would, and check
// what a user would install. Then compile an app that imports every package under `strict` with
// `skipLibCheck: false`, which fails when a public declaration needs a devDependency or leaks a
// dependency's unresolvable globals (PGlite's Emscripten types did).
const attw = join(repoRoot, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
let work: string;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "paybridge-pack-"));
  for (const library of libraries) {
    const dest = join(work, library.dir);
    execFileSync("tar", ["-xzf", pack(library, dest), "-C", dest]);
  }
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("packed tarballs", () => {
  it("finds every library package (each non-private package with exports)", () => {
    const names = libraries.map((l) => l.dir);
    for (const known of [
      "alipay",
      "core",
      "memory",
      "postgres",
      "reconcile",
      "redis",
      "sandbox",
      "wechatpay",
    ]) {
      expect(names).toContain(known);
    }
  });

  for (const { dir, pkg } of libraries) {
    describe(pkg.name, () => {
      const root = () => join(work, dir, "package");
      const files = () => walk(root()).map((f) => relative(root(), f));

      it("ships LICENSE, README, both builds and declarations, and nothing else of the source tree", () => {
        const list = files();
        for (const required of [
          "LICENSE",
          "README.md",
          "package.json",
          "dist/esm/index.js",
          "dist/cjs/index.js",
        ]) {
          expect(list, required).toContain(required);
        }
        expect(list).toContain("dist/esm/index.d.ts");
        expect(readFileSync(join(root(), "LICENSE"), "utf8")).toMatch(/^MIT License/);
        expect(readFileSync(join(root(), "README.md"), "utf8")).toMatch(/## Install[\s\S]*## Example/);
        expect(list.filter((f) => /\.test\.|(^|\/)(src|test|fixtures|__fixtures__)\//.test(f))).toEqual([]);
        expect(list.filter((f) => f.startsWith("node_modules/") || f.includes("tsconfig"))).toEqual([]);
      });

      it("has the metadata a registry shows and a bundler reads; no workspace: ranges", () => {
        const packed = JSON.parse(readFileSync(join(root(), "package.json"), "utf8"));
        expect(packed.license).toBe("MIT");
        expect(packed.repository).toMatchObject({ type: "git", directory: `packages/${dir}` });
        expect(packed.engines).toEqual({ node: ">=20.10" });
        expect(packed.sideEffects === false || Array.isArray(packed.sideEffects)).toBe(true);
        expect(JSON.stringify(packed)).not.toContain("workspace:");
      });

      it("source maps carry their sources (the .ts files are not shipped)", () => {
        const maps = files().filter((f) => f.endsWith(".map"));
        expect(maps.length).toBeGreaterThan(0);
        for (const map of maps) {
          const { sources, sourcesContent } = JSON.parse(readFileSync(join(root(), map), "utf8"));
          expect(sourcesContent?.length, map).toBe(sources.length);
          expect(
            sourcesContent.every((s: unknown) => typeof s === "string" && s.length > 0),
            map,
          ).toBe(true);
        }
      });

      it("arethetypeswrong finds no problem in the tarball (ESM and CommonJS types, every resolution)", () => {
        // attw's exit code is 1 when any entry point has a problem under node10, node16 from CJS,
        // node16 from ESM or bundler resolution; its table is the failure message.
        const tarball = readdirSync(join(work, dir)).find((f) => f.endsWith(".tgz"));
        const result = spawnSync(
          process.execPath,
          [attw, join(work, dir, String(tarball)), "--format", "ascii", "--no-color"],
          { encoding: "utf8" },
        );
        expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
      });

      it("cites no document the repository does not contain", () => {
        const offences = files()
          .filter((f) => /\.(?:[cm]?js|d\.[cm]?ts|json|md|sql|map)$/.test(f))
          .flatMap((f) => citationOffences(`${pkg.name}/${f}`, readFileSync(join(root(), f), "utf8")));
        expect(offences).toEqual([]);
      });
    });
  }

  it("@paybridge/postgres names PGlite only as an optional peer: PostgreSQL users never install it", () => {
    const packed = JSON.parse(readFileSync(join(work, "postgres", "package", "package.json"), "utf8"));
    expect(Object.keys(packed.dependencies ?? {})).not.toContain("@electric-sql/pglite");
    expect(packed.peerDependencies?.["@electric-sql/pglite"]).toMatch(/^\^/);
    expect(packed.peerDependenciesMeta?.["@electric-sql/pglite"]).toEqual({ optional: true });
    // No other library depends on it either, or installing that one would bring it back.
    for (const { dir, pkg } of libraries) {
      const packedPkg = JSON.parse(readFileSync(join(work, dir, "package", "package.json"), "utf8"));
      expect(Object.keys(packedPkg.dependencies ?? {}), pkg.name).not.toContain("@electric-sql/pglite");
    }
  });

  // Both module systems a TypeScript app can be: an ES module (`app.mts`) and CommonJS (`app.cts`,
  // which failed with TS1479 while the packages shipped only ESM declarations).
  for (const ext of ["mts", "cts"] as const) {
    it(`a strict ${ext === "mts" ? "ESM" : "CommonJS"} app (skipLibCheck: false) compiles against every package's declarations`, () => {
      // Inside the workspace so the packages resolve to their builds through node_modules.
      const app = mkdtempSync(join(packagesDir, "e2e", ".strict-app-"));
      try {
        const names = libraries.map(({ dir, pkg }) => ({
          id: dir.replace(/-/g, "_"),
          name: pkg.name as string,
        }));
        const source =
          ext === "mts"
            ? names.map(({ id, name }) => `import * as ${id} from "${name}";`).join("\n")
            : names.map(({ id, name }) => `import ${id} = require("${name}");`).join("\n");
        writeFileSync(
          join(app, `app.${ext}`),
          `${source}\nexport const all = { ${names.map((n) => n.id).join(", ")} };\n`,
        );
        writeFileSync(
          join(app, "tsconfig.json"),
          JSON.stringify({
            compilerOptions: {
              strict: true,
              skipLibCheck: false,
              module: "NodeNext",
              moduleResolution: "NodeNext",
              target: "ES2022",
              noEmit: true,
              types: [],
            },
            files: [`app.${ext}`],
          }),
        );
        let output = "";
        try {
          execFileSync(process.execPath, [tsc, "-p", join(app, "tsconfig.json")], {
            encoding: "utf8",
            stdio: "pipe",
          });
        } catch (error) {
          const e = error as { stdout?: string; stderr?: string };
          output = `${e.stdout ?? ""}${e.stderr ?? ""}` || String(error);
        }
        expect(output).toBe("");
      } finally {
        rmSync(app, { recursive: true, force: true });
      }
    });
  }
});
