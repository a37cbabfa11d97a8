// The library packages as a user receives them: `pnpm pack` each one, as publishing would. Shared by
// the tarball checks and the quick start installed from tarballs, so both test the same product.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const packagesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const repoRoot = join(packagesDir, "..");

export interface Library {
  /** Folder under packages/. */
  readonly dir: string;
  readonly pkg: { name: string; version: string; [field: string]: unknown };
}

/** Every non-private package with `exports`: what a user can install. */
export const libraries: Library[] = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, "package.json")))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8")) }))
  .filter(({ pkg }) => pkg.exports && !pkg.private);

/** Packs `library` into `dest` (created) and returns the tarball's path. */
export function pack(library: Library, dest: string): string {
  mkdirSync(dest, { recursive: true });
  execFileSync("npx", ["--yes", "pnpm@10.34.9", "pack", "--pack-destination", dest], {
    cwd: join(packagesDir, library.dir),
    stdio: "pipe",
  });
  const tarball = readdirSync(dest).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${library.dir}`);
  return join(dest, tarball);
}
