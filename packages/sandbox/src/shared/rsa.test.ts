import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aeadDecrypt, aeadEncrypt, randomApiV3Key } from "./aead.js";
import { generateRsaKeyPair, randomSerial, selfSignedCertificate } from "./rsa.js";

describe("sandbox crypto helpers", () => {
  it("builds a self-signed certificate node:crypto reads back with the same serial and key", () => {
    const keys = generateRsaKeyPair();
    const serial = randomSerial();
    const pem = selfSignedCertificate(keys, {
      serial,
      commonName: "Tenpay.com Root CA",
      notBefore: new Date(Date.UTC(2024, 0, 1)),
      notAfter: new Date(Date.UTC(2034, 0, 1)),
    });
    const cert = new X509Certificate(pem);
    expect(cert.serialNumber.toUpperCase()).toBe(serial);
    expect(cert.publicKey.export({ type: "spki", format: "pem" })).toBe(keys.publicKey);
    expect(cert.verify(cert.publicKey)).toBe(true);
  });

  it("makes 40-digit serials that never start with a zero nibble", () => {
    for (let i = 0; i < 500; i += 1) expect(randomSerial()).toMatch(/^[1-7][0-9A-F]{39}$/);
  });

  it("round-trips AEAD_AES_256_GCM and rejects a changed byte or a wrong key", () => {
    const key = randomApiV3Key();
    expect(key).toHaveLength(32);
    const sealed = aeadEncrypt('{"a":1}', key, "transaction");
    expect(aeadDecrypt(sealed, key)).toBe('{"a":1}');
    const flipped = Buffer.from(sealed.ciphertext, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => aeadDecrypt({ ...sealed, ciphertext: flipped.toString("base64") }, key)).toThrow();
    expect(() => aeadDecrypt(sealed, randomApiV3Key())).toThrow();
    expect(() => aeadDecrypt({ ...sealed, associated_data: "refund" }, key)).toThrow();
  });
});
