#!/usr/bin/env node
/*
 * Bundles a provider package's ESM entry points, as tsc emitted them into dist/esm, into one file
 * each, and removes the per-module files they replace. Usage, from the package's directory after
 * its tsc builds: `node ../core/scripts/bundle-esm.mjs index.js wire.js`.
 *
 * Why: Node's ESM loader costs about 0.5-1 ms of CPU per file before any of its code runs (resolve,
 * stat, read, compile, link), so a provider of 40 small modules spent more loading them than
 * running them; one file per entry took @paybridge/wechatpay's cold import from 1.88x to about
 * 1.6x of wechatpay-node-v3 alone, and @paybridge/alipay's from 1.53x to 1.41x of alipay-sdk
 * (docs/performance.md). Only the package's own modules are bundled: every package import stays an
 * import (`packages: "external"`, and @paybridge/* explicitly, which the workspace links as
 * folders), so zod, the SDKs and @paybridge/core remain one shared copy. No code splitting: its
 * chunks can reorder side-effect imports (https://esbuild.github.io/api/#splitting says ESM
 * splitting is still a work in progress), and an entry pair such as index/wire shares no state,
 * only pure functions and schemas, so each carries its own copy. Lazy `import()`s of the
 * package's own modules stay lazy: esbuild keeps their bodies in the bundle but runs them only
 * when first imported. The CommonJS build (dist/cjs) stays tsc's per-module output.
 *
 * esbuild is resolved from the package being built (its own devDependency), not from core.
 */
import { readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";

const entries = process.argv.slice(2);
if (entries.length === 0 || entries.some((e) => !e.endsWith(".js"))) {
  console.error("usage: node bundle-esm.mjs <entry.js> [...]  (paths relative to dist/esm)");
  process.exit(2);
}
const outdir = resolve("dist/esm");
const { build } = createRequire(resolve("package.json"))("esbuild");
const result = await build({
  entryPoints: entries.map((e) => join(outdir, e)),
  outdir,
  allowOverwrite: true,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  external: ["@paybridge/*"],
  // Class and function names stay as written: errors and logs print them. Without it esbuild
  // names WechatPayProvider "_WechatPayProvider". Its price is a __name() call wherever a named
  // closure is created at run time: 23 ms of 8,497 ms CPU in a profile of 3,000 WeChat refunds +
  // queries (0.3%).
  keepNames: true,
  // Chained through tsc's maps (inlineSources), so a stack trace still points at src/*.ts.
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
});

const outputs = new Set(Object.keys(result.metafile.outputs).map((p) => resolve(p)));
let removed = 0;
const sweep = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sweep(path);
    else if (/\.js(\.map)?$/.test(entry.name) && !outputs.has(path)) {
      rmSync(path);
      removed++;
    }
  }
};
sweep(outdir);
console.log(
  `bundle-esm: ${[...outputs].map((p) => relative(process.cwd(), p)).join(", ")} (${removed} module files folded in)`,
);
