import { createPublicKey, createVerify } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { generateRsaKeyPair } from "./rsa.js";
import { answerSigner, inlineSigner, RsaSignPool, sha256WithRsaSign } from "./sign-pool.js";

const keys = generateRsaKeyPair();
const verify = (message: string, signature: string) =>
  createVerify("RSA-SHA256")
    .update(message, "utf8")
    .verify(createPublicKey(keys.publicKey), signature, "base64");

describe("RsaSignPool", () => {
  const pool = new RsaSignPool(2);
  afterAll(() => pool.close());

  it("signs on its workers exactly what the main thread signs (PKCS#1 v1.5 is deterministic)", async () => {
    const messages = Array.from(
      { length: 40 },
      (_, i) => `1700000000\nNONCE${i}\n{"amount":{"total":${i}},"描述":"测试"}\n`,
    );
    const signatures = await Promise.all(messages.map((m) => pool.sign(keys.privateKey, m)));
    signatures.forEach((s, i) => {
      const message = messages[i] as string;
      expect(s).toBe(sha256WithRsaSign(keys.privateKey, message));
      expect(verify(message, s)).toBe(true);
    });
  });

  it("rejects a key it cannot parse, and keeps signing afterwards", async () => {
    await expect(pool.sign("not a pem", "x")).rejects.toThrow(/signing failed/);
    expect(verify("after", await pool.sign(keys.privateKey, "after"))).toBe(true);
  });

  it("refuses work once closed", async () => {
    const closed = new RsaSignPool(1);
    await closed.close();
    await expect(closed.sign(keys.privateKey, "x")).rejects.toThrow(/closed/);
  });

  it("needs at least one whole thread", () => {
    expect(() => new RsaSignPool(0)).toThrow(/at least 1/);
    expect(() => new RsaSignPool(1.5)).toThrow(/whole number/);
  });
});

describe("answerSigner", () => {
  it("signs on the calling thread without threads", async () => {
    expect(answerSigner(undefined)).toBe(inlineSigner);
    expect(answerSigner(0)).toBe(inlineSigner);
    expect(verify("m", await inlineSigner.sign(keys.privateKey, "m"))).toBe(true);
  });

  it("starts a pool with threads", async () => {
    const signer = answerSigner(1);
    try {
      expect(signer).toBeInstanceOf(RsaSignPool);
      expect(verify("m", await signer.sign(keys.privateKey, "m"))).toBe(true);
    } finally {
      await signer.close();
    }
  });
});
