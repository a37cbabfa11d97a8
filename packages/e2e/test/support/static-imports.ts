import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The path of `file` in packages/<pkg>/src: the sources are walked, not a build. */
export function source(pkg: string, file: string): string {
  return join(PACKAGES, pkg, "src", file);
}

// Static imports load code at import time; `import type` and `import()` do not.
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?"([^"]+)"/gm;

export interface Loaded {
  /** The source files read, relative to the entry's folder. */
  readonly files: Set<string>;
  /** The bare specifiers imported that were not followed: what loads beyond these sources. */
  readonly packages: Set<string>;
}

/**
 * What a static import of `entry` loads at import time, following its relative imports. `follow`
 * maps a bare specifier to the source file walked in its place, for a workspace package whose own
 * imports count (postgres reaches core only through `@paybridge/core/ledger-kit`).
 */
export function loadedBy(entry: string, follow: Readonly<Record<string, string>> = {}): Loaded {
  const root = dirname(entry);
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    const name = relative(root, file);
    if (files.has(name)) return;
    files.add(name);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(STATIC)) {
      if (!spec) continue;
      const followed = follow[spec];
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (followed !== undefined) visit(followed);
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}
