// Which packages and files each entry loads at import time, read from the sources' static imports
// (support/static-imports.ts). These live here, not in each package, because the walk crosses
// packages: postgres's through core's ledger-kit, and all of them share the one walker.
import { describe, expect, it } from "vitest";
import { loadedBy, source } from "./support/static-imports.js";

describe("@paybridge/core/provider-kit cold import", () => {
  it("loads neither tsyringe nor reflect-metadata at import time (a provider's cold import)", () => {
    expect([...loadedBy(source("core", "provider-kit.ts")).packages].sort()).toEqual([
      "node:fs",
      "node:timers/promises",
      "zod",
    ]);
  });
});

describe("@paybridge/core/ledger-kit cold import", () => {
  it("loads no zod, tsyringe or reflect-metadata at import time (a store's cold import)", () => {
    expect([...loadedBy(source("core", "ledger-kit.ts")).packages].sort()).toEqual([]);
  });

  it("the walk sees the root entry's packages (so an empty list above means something)", () => {
    const root = loadedBy(source("core", "index.ts")).packages;
    for (const heavy of ["reflect-metadata", "tsyringe", "zod"]) expect(root.has(heavy), heavy).toBe(true);
  });
});

describe("@paybridge/wechatpay cold import (issue 15 item 5)", () => {
  const root = loadedBy(source("wechatpay", "index.ts"));

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

describe("@paybridge/postgres cold import (issue 15 item 5)", () => {
  it("loads pg and node built-ins only: core through its zod-free ledger-kit, no zod, tsyringe or PGlite", () => {
    const { packages } = loadedBy(source("postgres", "index.ts"), {
      "@paybridge/core/ledger-kit": source("core", "ledger-kit.ts"),
    });
    expect([...packages].filter((p) => !p.startsWith("node:"))).toEqual(["pg"]);
  });
});
