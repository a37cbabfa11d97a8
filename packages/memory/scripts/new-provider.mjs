#!/usr/bin/env node
/**
 * Copies this package (@paybridge/memory, the template provider) into a new provider package with
 * its names replaced: `node packages/memory/scripts/new-provider.mjs acme-pay` writes
 * packages/acme-pay (@paybridge/acme-pay, AcmePayProvider, ACME_PAY_PROVIDER_ID, "acme-pay"),
 * whose conformance test passes as it stands. See docs/providers/adding.md for what to change next.
 *
 * Usage: new-provider.mjs <id> [--dir <folder that receives the package>]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const template = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** What is copied from the template; dist, node_modules and this script are not. */
const COPIED = ["src", "test", "tsconfig.build.json", "tsconfig.cjs.json", "LICENSE"];
/** The provider id rule of the conformance suite ("declares a provider id"). */
const ID_RULE = /^[a-z][a-z0-9-]+$/;

/** The names a provider id gives: acme-pay -> AcmePay, ACME_PAY. */
export function namesOf(id) {
  if (!ID_RULE.test(id) || id.endsWith("-") || id.includes("--")) {
    throw new Error(
      `provider id ${JSON.stringify(id)} must match ${ID_RULE} (lower case, digits, single dashes)`,
    );
  }
  const words = id.split("-");
  return {
    id,
    pascal: words.map((w) => w[0].toUpperCase() + w.slice(1)).join(""),
    constant: words.map((w) => w.toUpperCase()).join("_"),
  };
}

/** The template's names, in the order they are replaced (longest first). */
function rewrite(text, names) {
  return text
    .replaceAll("@paybridge/memory", `@paybridge/${names.id}`)
    .replaceAll("packages/memory", `packages/${names.id}`)
    .replaceAll("MEMORY_", `${names.constant}_`)
    .replace(/Memory(?=[A-Z])/g, names.pascal)
    .replaceAll('"memory"', JSON.stringify(names.id))
    .replaceAll("x-memory-", `x-${names.id}-`)
    .replace(/\bthe memory provider\b/g, `the ${names.id} provider`);
}

function copyTree(from, to, names, written) {
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) copyTree(join(from, entry), join(to, entry), names, written);
    return;
  }
  writeFileSync(to, rewrite(readFileSync(from, "utf8"), names));
  written.push(to);
}

function packageJson(names) {
  const pkg = JSON.parse(readFileSync(join(template, "package.json"), "utf8"));
  const { "new-provider": _script, ...scripts } = pkg.scripts;
  return `${JSON.stringify(
    {
      ...JSON.parse(rewrite(JSON.stringify(pkg), names)),
      version: "0.1.0",
      description: `The ${names.id} provider for PayBridge (made from the @paybridge/memory template)`,
      scripts,
    },
    null,
    2,
  )}\n`;
}

function readme(names) {
  return `# @paybridge/${names.id}

The \`${names.id}\` PayBridge provider (\`${names.pascal}Provider\`), made from the
\`@paybridge/memory\` template by \`new-provider\`. It still talks to the template's in-memory
network (\`${names.pascal}Network\`); docs/providers/adding.md says what to replace, file by file,
while the conformance test (test/conformance.test.ts) keeps passing.

## Register

\`\`\`ts
import { createPayBridgeContainer, registerMerchant, registerProvider } from "@paybridge/core";
import { ${names.pascal}Network, ${names.pascal}Provider } from "@paybridge/${names.id}";

const container = createPayBridgeContainer();
registerProvider(container, ${names.pascal}Provider);
registerMerchant(container, {
  id: "${names.id}-main",
  provider: "${names.id}",
  config: { network: new ${names.pascal}Network(), merchantNo: "M1", notifySecret: "a-notify-secret-0001" },
});
\`\`\`

## License

MIT
`;
}

/** Writes the package `<dir>/<id>` and returns its folder and the files written. */
export function newProvider(id, dir = resolve(template, "..")) {
  const names = namesOf(id);
  const target = resolve(dir, id);
  if (existsSync(target)) throw new Error(`${target} already exists`);
  const written = [];
  mkdirSync(target, { recursive: true });
  for (const entry of COPIED) copyTree(join(template, entry), join(target, entry), names, written);
  writeFileSync(join(target, "package.json"), packageJson(names));
  writeFileSync(join(target, "README.md"), readme(names));
  written.push(join(target, "package.json"), join(target, "README.md"));
  return { target, names, written };
}

function main(argv) {
  const args = [...argv];
  const at = args.indexOf("--dir");
  const dir = at >= 0 ? args.splice(at, 2)[1] : undefined;
  if (args.length !== 1 || (at >= 0 && !dir)) {
    console.error("usage: new-provider <id> [--dir <folder that receives the package>]");
    process.exit(2);
  }
  const { target, names, written } = newProvider(args[0], dir && resolve(process.env.INIT_CWD ?? ".", dir));
  const shown = relative(process.env.INIT_CWD ?? process.cwd(), target) || target;
  console.log(
    `wrote ${written.length} files to ${shown} (${names.pascal}Provider, provider id "${names.id}")`,
  );
  console.log(`next: pnpm install && pnpm run build && npx vitest run ${shown}/test`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
