// The public surface of every library package: for each entry in its package.json `exports`, the
// names it exports, each with its kind and the declaration it stands for. `pnpm docs:api` writes
// it to docs/api/surface.json (committed); packages/e2e/test/api-surface.test.ts fails when a
// package's names drift from that file, or when two packages' root entries export one name with
// two meanings. Read from the TypeScript sources with the compiler API (the typedoc build beside it
// renders the same entries as pages).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const surfaceFile = join(repoRoot, "docs", "api", "surface.json");

/** Library packages (not private, with `exports`) and their entries as source files. */
export function libraryEntries() {
  const packagesDir = join(repoRoot, "packages");
  const out = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const file = join(packagesDir, dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    if (pkg.private || !pkg.exports) continue;
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (key === "./package.json") continue;
      const built = target.import.default;
      const source = join(
        packagesDir,
        dir,
        built.replace(/^\.\/dist\/esm\//, "src/").replace(/\.js$/, ".ts"),
      );
      out.push({
        pkg: pkg.name,
        entry: key,
        specifier: key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`,
        source,
      });
    }
  }
  return out;
}

function kindOf(symbol) {
  const f = symbol.flags;
  const S = ts.SymbolFlags;
  if (f & S.Class) return "class";
  if (f & S.Function) return "function";
  if (f & S.Enum) return "enum";
  if (f & S.Variable) return "const";
  if (f & S.Interface) return "interface";
  if (f & S.TypeAlias) return "type";
  if (f & S.Module) return "namespace";
  return "other";
}

/** { [package]: { [entry]: { [name]: { kind, from } } } }, `from` being the declaring file#name. */
export function computeSurface() {
  const entries = libraryEntries();
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  const program = ts.createProgram(
    entries.map((e) => e.source),
    { ...config.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const surface = {};
  for (const e of entries) {
    const sf = program.getSourceFile(e.source);
    if (!sf) throw new Error(`${e.specifier}: ${e.source} not found`);
    const names = {};
    for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(sf))) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = target.declarations?.[0];
      const from = decl ? `${relative(repoRoot, decl.getSourceFile().fileName)}#${target.name}` : "?";
      names[exported.name] = { kind: kindOf(target), from };
    }
    surface[e.pkg] ??= {};
    surface[e.pkg][e.entry] = Object.fromEntries(Object.entries(names).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return surface;
}

/** Names two or more packages' root entries export with different declarations behind them. */
export function rootClashes(surface) {
  const seen = new Map();
  for (const [pkg, entries] of Object.entries(surface)) {
    for (const [name, { from }] of Object.entries(entries["."] ?? {})) {
      if (!seen.has(name)) seen.set(name, []);
      seen.get(name).push({ pkg, from });
    }
  }
  return [...seen]
    .filter(([, uses]) => new Set(uses.map((u) => u.from)).size > 1)
    .map(([name, uses]) => ({ name, uses }));
}

export function renderSurface(surface) {
  return `${JSON.stringify(surface, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const surface = computeSurface();
  writeFileSync(surfaceFile, renderSurface(surface));
  for (const [pkg, entries] of Object.entries(surface)) {
    const counts = Object.entries(entries).map(([entry, names]) => `${entry} ${Object.keys(names).length}`);
    process.stdout.write(`${pkg}: ${counts.join(", ")}\n`);
  }
  const clashes = rootClashes(surface);
  for (const c of clashes)
    process.stdout.write(`clash: ${c.name} in ${c.uses.map((u) => `${u.pkg} (${u.from})`).join(", ")}\n`);
  process.exitCode = clashes.length > 0 ? 1 : 0;
}
