import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The simulator is the oracle the client is tested against: if it shared code with the client
// (money conversion, signing, status tables), a bug there would be mirrored on both sides and pass.
const sandbox = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "sandbox");
const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g;

/** An import that reaches a PayBridge package, by name or by a relative path out of the sandbox. */
function reachesClient(file: string, specifier: string): boolean {
  if (specifier.startsWith("@paybridge/")) return true;
  if (!specifier.startsWith(".")) return false;
  return relative(sandbox, resolve(dirname(file), specifier)).startsWith("..");
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [full] : [];
  });
}

describe("the sandbox shares no code with the client it tests", () => {
  it("no source file of @paybridge/sandbox imports a PayBridge client package", () => {
    const offences = sources(join(sandbox, "src")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(IMPORT)]
        .filter((m) => reachesClient(file, m[1] as string))
        .map((m) => `${relative(sandbox, file)}: ${m[1]}`),
    );
    expect(offences).toEqual([]);
  });

  it("its package.json depends on no PayBridge package", () => {
    const manifest = JSON.parse(readFileSync(join(sandbox, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const names = ["dependencies", "peerDependencies", "optionalDependencies"].flatMap((k) =>
      Object.keys((manifest[k] as Record<string, string> | undefined) ?? {}),
    );
    expect(names.filter((n) => n.startsWith("@paybridge/"))).toEqual([]);
  });
});
