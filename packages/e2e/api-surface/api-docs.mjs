// `pnpm docs:api`: the API reference of every library package's entries (its package.json
// `exports`), rendered by TypeDoc as Markdown into docs/api, then docs/api/surface.json (the names
// each entry exports, which packages/e2e/test/api-surface.test.ts holds the code to).
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Application } from "typedoc";
import {
  computeSurface,
  libraryEntries,
  renderSurface,
  repoRoot,
  rootClashes,
  surfaceFile,
} from "./api-surface.mjs";

const entries = libraryEntries();
const app = await Application.bootstrapWithPlugins({
  entryPoints: entries.map((e) => e.source),
  tsconfig: join(repoRoot, "tsconfig.json"),
  plugin: ["typedoc-plugin-markdown"],
  out: join(repoRoot, "docs", "api"),
  readme: "none",
  name: "PayBridge API",
  // No links to a commit's sources: the pages change when the API does, not on every commit.
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  // The workspace's own typecheck is the error check; TypeDoc renders what it exports.
  skipErrorChecking: true,
  hideGenerator: true,
  logLevel: "Warn",
  validation: { notExported: false, invalidLink: false, rewrittenLink: false },
});
const project = await app.convert();
if (!project) throw new Error("typedoc: conversion failed");
// Each entry is named as a user imports it ("@paybridge/core/ledger-kit"), not by its file path
// ("core/src/ledger-kit", TypeDoc's name for it relative to the entries' common directory).
const packagesDir = join(repoRoot, "packages");
const byPath = new Map(
  entries.map((e) => [
    relative(packagesDir, e.source)
      .replace(/\.ts$/, "")
      .replace(/\/index$/, ""),
    e.specifier,
  ]),
);
for (const child of project.children ?? []) {
  const specifier = byPath.get(child.name);
  if (!specifier) throw new Error(`typedoc: module ${child.name} is no package entry`);
  child.name = specifier;
}
await app.generateOutputs(project);
const surface = computeSurface();
writeFileSync(surfaceFile, renderSurface(surface));
for (const [pkg, byEntry] of Object.entries(surface)) {
  process.stdout.write(
    `${pkg}: ${Object.entries(byEntry)
      .map(([entry, names]) => `${entry} ${Object.keys(names).length}`)
      .join(", ")}\n`,
  );
}
const clashes = rootClashes(surface);
for (const c of clashes) process.stdout.write(`clash: ${c.name} in ${c.uses.map((u) => u.pkg).join(", ")}\n`);
if (clashes.length > 0) process.exitCode = 1;
