import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));
// Static imports load code at import time; `import type` and `import()` do not.
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?"([^"]+)"/gm;

/** This package's files and the bare packages a static import of `entry` loads. */
function loadedBy(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    const name = relative(SRC, file);
    if (files.has(name)) return;
    files.add(name);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(STATIC)) {
      if (!spec) continue;
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("@paybridge/wechatpay cold import (issue 15 item 5)", () => {
  const root = loadedBy(join(SRC, "index.ts"));

  it("loads the providers, the SDK and zod", () => {
    expect(root.files).toContain("v3/provider.ts");
    expect(root.files).toContain("cloudpay/provider.ts");
    expect(root.packages).toContain("wechatpay-node-v3");
    expect(root.packages).toContain("zod");
  });

  it("leaves https-proxy-agent to a proxied transport's first request", () => {
    expect(root.packages).not.toContain("https-proxy-agent");
  });

  it("leaves CloudPay's transformers and the bill code to their first call", () => {
    for (const file of [
      "cloudpay/transformers.ts",
      "cloudpay/flattened.ts",
      "cloudpay/status-map.ts",
      "v3/bills.ts",
      "v3/partner-bills.ts",
    ]) {
      expect(root.files).not.toContain(file);
    }
  });
});
