import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryLogger } from "./logger.js";
import { REDACTED, redactingLogger, SecretRegistry } from "./redact.js";

describe("redactingLogger", () => {
  const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
    type: "pkcs8",
    format: "pem",
  }) as string;

  it("scrubs PEM private keys wherever they appear, even unregistered", () => {
    const memory = new MemoryLogger();
    redactingLogger(memory, new SecretRegistry()).info({ body: `key is ${pem}` }, `msg ${pem}`);
    expect(memory.text()).not.toContain("PRIVATE KEY");
    expect(memory.text()).toContain(REDACTED);
  });

  it("scrubs registered config secrets under innocent keys and in children", () => {
    const secrets = new SecretRegistry();
    secrets.addFromConfig({
      mchid: "1900000001",
      apiV3Key: "0123456789abcdef0123456789abcdef",
      privateKey: pem,
    });
    const memory = new MemoryLogger();
    const log = redactingLogger(memory, secrets).child({ merchant: "m1" });
    log.info({ echo: "value 0123456789abcdef0123456789abcdef", mchid: "1900000001" });
    expect(memory.text()).not.toContain("0123456789abcdef0123456789abcdef");
    // Non-secret identifiers stay readable: logs must still say which merchant acted.
    expect(memory.text()).toContain("1900000001");
    expect(memory.text()).toContain('"merchant":"m1"');
  });

  it("survives circular objects", () => {
    const memory = new MemoryLogger();
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    redactingLogger(memory, new SecretRegistry()).debug(a);
    expect(memory.text()).toContain("[Circular]");
  });

  it("does no work for a level the inner logger drops, and scrubs when it writes", () => {
    const secrets = new SecretRegistry();
    secrets.add("0123456789abcdef0123456789abcdef");
    let reads = 0;
    const bait = {
      get value() {
        reads += 1;
        return "0123456789abcdef0123456789abcdef";
      },
    };
    const memory = new MemoryLogger();
    const gated = Object.assign(Object.create(memory) as MemoryLogger, {
      isLevelEnabled: (level: string) => level !== "debug",
    });
    const log = redactingLogger(gated, secrets);
    log.debug(bait, "dropped");
    expect(reads).toBe(0);
    expect(memory.lines).toHaveLength(0);
    log.info(bait, "written");
    expect(reads).toBe(1);
    expect(memory.text()).toContain(REDACTED);
    expect(memory.text()).not.toContain("0123456789abcdef0123456789abcdef");
  });
});
