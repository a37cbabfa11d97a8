import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@paybridge/core";
import { parseInput } from "@paybridge/core/provider-kit";
import { afterAll, describe, expect, it } from "vitest";
import { alipayConfigSchema } from "./config.js";

const app = generateKeyPairSync("rsa", { modulusLength: 2048 });
const alipay = generateKeyPairSync("rsa", { modulusLength: 2048 });
const appPem = app.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const alipayPem = alipay.publicKey.export({ type: "spki", format: "pem" }).toString();
const dir = mkdtempSync(join(tmpdir(), "paybridge-alipay-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const parse = (input: unknown) => parseInput(alipayConfigSchema, input, "config");
const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("alipay config: keys from where operators keep them", () => {
  it("takes every key and certificate as text, Buffer, file or environment variable", () => {
    const keyFile = join(dir, "app_private_key.pem");
    writeFileSync(keyFile, appPem);
    process.env.PAYBRIDGE_TEST_ALIPAY_PUB = alipayPem.replace(/\n/g, "\\n");
    const config = parse({
      appId: "2021000149617001",
      sellerId: "2088721000218841",
      privateKey: { file: keyFile },
      keyMode: { type: "public_key", alipayPublicKey: { env: "PAYBRIDGE_TEST_ALIPAY_PUB" } },
    });
    expect(config.privateKey).toBe(appPem);
    expect(config.keyMode.type === "public_key" && config.keyMode.alipayPublicKey).toBe(alipayPem);
    process.env.PAYBRIDGE_TEST_ALIPAY_CERT_SET = CERT;
    const certFile = join(dir, "alipayRootCert.crt");
    writeFileSync(certFile, CERT);
    const certs = parse({
      appId: "2021000149617001",
      sellerId: "2088721000218841",
      privateKey: Buffer.from(appPem),
      keyMode: {
        type: "certificate",
        appCertContent: Buffer.from(CERT),
        alipayPublicCertContent: { env: "PAYBRIDGE_TEST_ALIPAY_CERT_SET" },
        alipayRootCertContent: { file: certFile },
      },
    });
    expect(certs.keyMode.type === "certificate" && certs.keyMode.alipayRootCertContent).toBe(CERT);
  });

  it("names the field, never the key", () => {
    let error: unknown;
    try {
      parse({
        appId: "2021000149617001",
        sellerId: "2088721000218841",
        privateKey: alipayPem,
        keyMode: {
          type: "certificate",
          appCertContent: CERT,
          alipayPublicCertContent: CERT,
          alipayRootCertContent: { file: join(dir, "none.crt") },
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toMatch(/config\.privateKey: is not an RSA private key/);
    expect(message).toMatch(/config\.keyMode\.alipayRootCertContent: file .*none\.crt cannot be read/);
    expect(message).not.toContain(alipayPem.split("\n")[1] ?? "");
  });
});
