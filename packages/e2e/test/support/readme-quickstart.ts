import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./packed-libraries.js";

/** The first ```ts block after README.md's "Quick start for a backend" heading, as written. */
export function quickStartCode(readme = readFileSync(join(repoRoot, "README.md"), "utf8")): string {
  const section = readme.split("## Quick start for a backend")[1];
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error("README.md has no ```ts block under 'Quick start for a backend'");
  return code;
}

/**
 * The packages of the ```sh `npm install ...` line between the "Quick start for a backend" heading
 * and its code: what the README tells a new user to install.
 */
export function quickStartInstall(readme = readFileSync(join(repoRoot, "README.md"), "utf8")): string[] {
  const section = readme.split("## Quick start for a backend")[1]?.split("```ts")[0];
  const line = section?.match(/```sh\nnpm install ([^\n]+)\n```/)?.[1];
  if (!line) throw new Error("README.md has no ```sh npm install line before the quick start's code");
  return line.trim().split(/\s+/);
}

/** The bare package names the code imports (`@scope/name` or `name`), without node: builtins. */
export function importedPackages(code: string): string[] {
  const names = [...code.matchAll(/from "([^"]+)"/g)]
    .map((m) => String(m[1]))
    .filter((spec) => !spec.startsWith("node:") && !spec.startsWith("."))
    .map((spec) =>
      spec
        .split("/")
        .slice(0, spec.startsWith("@") ? 2 : 1)
        .join("/"),
    );
  return [...new Set(names)];
}
