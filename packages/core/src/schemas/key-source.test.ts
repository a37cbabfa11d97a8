import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { keySourceSchema } from "./key-source.js";
import { parseInput } from "./parse.js";

const dir = mkdtempSync(join(tmpdir(), "paybridge-key-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TEXT = "-----BEGIN PRIVATE KEY-----\nSECRET\n-----END PRIVATE KEY-----\n";

describe("keySourceSchema", () => {
  const read = (v: unknown) => parseInput(keySourceSchema(), v, "config.privateKey");

  it("reads text, a Buffer, a file and an environment variable to the same text", () => {
    const file = join(dir, "key.pem");
    writeFileSync(file, TEXT);
    process.env.PAYBRIDGE_TEST_KEY = TEXT;
    process.env.PAYBRIDGE_TEST_KEY_ONE_LINE = TEXT.replace(/\n/g, "\\n");
    expect(read(TEXT)).toBe(TEXT);
    expect(read(Buffer.from(TEXT))).toBe(TEXT);
    expect(read({ file })).toBe(TEXT);
    expect(read({ env: "PAYBRIDGE_TEST_KEY" })).toBe(TEXT);
    expect(read({ env: "PAYBRIDGE_TEST_KEY_ONE_LINE" })).toBe(TEXT);
  });

  it("names the field and the file or variable, never the key", () => {
    expect(() => read({ file: join(dir, "missing.pem") })).toThrow(
      /^config\.privateKey: file .*missing\.pem cannot be read \(ENOENT\)$/,
    );
    delete process.env.PAYBRIDGE_TEST_UNSET;
    expect(() => read({ env: "PAYBRIDGE_TEST_UNSET" })).toThrow(
      "config.privateKey: environment variable PAYBRIDGE_TEST_UNSET is not set",
    );
    expect(() => read({ env: "not a name" })).toThrow(/^config\.privateKey/);
    expect(() => read(42)).toThrow(
      /^config\.privateKey: must be the text itself, a Buffer, \{ file: path \} or \{ env: NAME \}/,
    );
    expect(() => read({ file: "a", env: "B" })).toThrow(/^config\.privateKey/);
  });
});
