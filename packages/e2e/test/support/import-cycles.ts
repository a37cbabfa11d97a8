import { parseCircular, parseDependencyTree } from "dpdm";

export interface ImportGraph {
  /** The files read, relative to the context folder. */
  readonly files: readonly string[];
  /** Relative imports that resolved to no file: a cycle through them would go unseen. */
  readonly unresolved: readonly string[];
  /** Each cycle as the files that import one another in a ring. */
  readonly cycles: readonly (readonly string[])[];
}

/**
 * The import graph of the TypeScript files matched by `pattern` below `context`, resolved with
 * `tsconfig` (NodeNext: "./x.js" names x.ts). Type-only imports count: a cycle of types is still
 * two files that cannot be read, moved or tested one without the other.
 */
export async function importGraph(context: string, pattern: string, tsconfig: string): Promise<ImportGraph> {
  const tree = await parseDependencyTree(pattern, {
    cwd: context,
    context,
    tsconfig,
    // Keep `import type`: dpdm's transform mode would drop them before the analysis.
    transform: false,
    skipDynamicImports: false,
    exclude: /\/node_modules\/|\/dist\//,
  });
  const files: string[] = [];
  const unresolved: string[] = [];
  for (const [file, deps] of Object.entries(tree)) {
    if (deps === null || file.includes("node_modules")) continue;
    files.push(file);
    for (const d of deps)
      if (d.request.startsWith(".") && d.id === null) unresolved.push(`${file}: ${d.request}`);
  }
  return { files, unresolved, cycles: parseCircular(tree) };
}
