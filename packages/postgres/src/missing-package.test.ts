import { describe, expect, it } from "vitest";
import { isMissingPackage } from "./missing-package.js";

// Node's own errors, not built by hand: the test imports and requires a package that is not installed.
async function importFailure(name: string): Promise<unknown> {
  try {
    await import(name);
  } catch (error) {
    return error;
  }
  throw new Error(`${name} imported`);
}

describe("isMissingPackage", () => {
  const absent = "@paybridge-test/not-installed";

  it("recognizes Node's ESM 'cannot find package' error for that package", async () => {
    const error = await importFailure(absent);
    expect(isMissingPackage(error, absent)).toBe(true);
    expect(isMissingPackage(error, "@electric-sql/pglite")).toBe(false);
  });

  it("recognizes CommonJS's MODULE_NOT_FOUND for that package", async () => {
    const { createRequire } = await import("node:module");
    let error: unknown;
    try {
      createRequire(import.meta.url)(absent);
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe("MODULE_NOT_FOUND");
    expect(isMissingPackage(error, absent)).toBe(true);
  });

  it("leaves every other failure alone (a package that loads but throws is not missing)", () => {
    expect(isMissingPackage(new SyntaxError(`Unexpected token in ${absent}`), absent)).toBe(false);
    expect(isMissingPackage(undefined, absent)).toBe(false);
  });
});
