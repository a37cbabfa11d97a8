import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretMatcher } from "./secret-matcher.js";

/** What the matcher must agree with: each secret replaced in turn, longest first. */
function naive(text: string, secrets: readonly string[], mask: string): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(mask);
  return out;
}

describe("SecretMatcher", () => {
  it("replaces every occurrence of every secret, at the start, the end and back to back", () => {
    const m = new SecretMatcher();
    m.add("0123456789abcdef");
    m.add("ZZZZZZZZ");
    expect(m.replaceAll("0123456789abcdefZZZZZZZZ x 0123456789abcdef", "#")).toBe("## x #");
    expect(m.replaceAll("short", "#")).toBe("short");
    expect(m.replaceAll("0123456789abcde", "#")).toBe("0123456789abcde");
  });

  it("prefers the longer of two secrets sharing a head", () => {
    const m = new SecretMatcher();
    m.add("ABCDEFGH");
    m.add("ABCDEFGHIJKL");
    expect(m.replaceAll("..ABCDEFGHIJKL..ABCDEFGHxx", "#")).toBe("..#..#xx");
  });

  it("agrees with replacing each secret in turn, over 2,000 secrets and texts that embed some", () => {
    const secrets = Array.from({ length: 2000 }, (_, i) => randomBytes(8 + (i % 40)).toString("base64"));
    const m = new SecretMatcher();
    for (const s of secrets) m.add(s);
    expect(m.size).toBe(2000);
    for (let t = 0; t < 200; t++) {
      const parts = Array.from({ length: 6 }, (_, k) =>
        k % 2 ? (secrets[(t * 7 + k) % secrets.length] as string) : randomBytes(t % 13).toString("hex"),
      );
      const text = parts.join(t % 3 ? " " : "");
      expect(m.replaceAll(text, "[REDACTED]")).toBe(naive(text, secrets, "[REDACTED]"));
    }
  });

  it("refuses a secret shorter than its window", () => {
    expect(() => new SecretMatcher().add("1234567")).toThrow(/8 characters/);
  });
});
