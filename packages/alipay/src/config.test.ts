import { generateKeyPairSync } from "node:crypto";
import { ValidationError } from "@paybridge/core";
import { parseInput } from "@paybridge/core/provider-kit";
import { describe, expect, it } from "vitest";
import { alipayConfigSchema } from "./config.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pkcs1 = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const bareBase64 = publicKey.export({ type: "spki", format: "der" }).toString("base64");

describe("alipay config", () => {
  it("accepts PKCS#1 PEM and bare base64 keys, normalises them, and defaults to production", () => {
    const config = parseInput(
      alipayConfigSchema,
      {
        appId: "2021000149617001",
        sellerId: "2088721000218841",
        privateKey: pkcs1,
        keyMode: { type: "public_key", alipayPublicKey: bareBase64 },
      },
      "config",
    );
    expect(config.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(config.keyMode.type === "public_key" && config.keyMode.alipayPublicKey).toMatch(
      /^-----BEGIN PUBLIC KEY-----/,
    );
    expect(config.gateway).toBe("https://openapi.alipay.com/gateway.do");
    expect(config.refundWindowDays).toBe(365);
    expect(config.certificates).toEqual({ missCooldownMs: 60_000 });
  });

  it("certificates.missCooldownMs: a whole, non-negative number of ms, named when wrong", () => {
    const base = {
      appId: "2021000149617001",
      sellerId: "2088721000218841",
      privateKey: pkcs1,
      keyMode: { type: "public_key", alipayPublicKey: bareBase64 },
    };
    expect(
      parseInput(alipayConfigSchema, { ...base, certificates: { missCooldownMs: 0 } }, "config").certificates,
    ).toEqual({ missCooldownMs: 0 });
    expect(() =>
      parseInput(alipayConfigSchema, { ...base, certificates: { missCooldownMs: -1 } }, "config"),
    ).toThrow(/config\.certificates\.missCooldownMs.*must not be negative/);
  });

  it("names the bad field", () => {
    const bad = () =>
      parseInput(
        alipayConfigSchema,
        {
          appId: "2021000149617001",
          sellerId: "2088721000218841",
          privateKey: "nope",
          keyMode: { type: "public_key", alipayPublicKey: bareBase64 },
        },
        "config",
      );
    expect(bad).toThrow(ValidationError);
    expect(bad).toThrow(/config\.privateKey/);
    expect(() =>
      parseInput(
        alipayConfigSchema,
        { appId: "x", privateKey: pkcs1, keyMode: { type: "certificate", appCertContent: "" } },
        "config",
      ),
    ).toThrow(/config\.appId.*config\.keyMode/s);
    expect(() =>
      parseInput(
        alipayConfigSchema,
        {
          appId: "2021000149617001",
          sellerId: "2088721000218841",
          privateKey: pkcs1,
          keyMode: { type: "public_key", alipayPublicKey: bareBase64 },
          gateway: "http://openapi.alipay.com/gateway.do",
        },
        "config",
      ),
    ).toThrow(/config\.gateway/);
  });
});

describe("alipay config: proxy and proxyAgent", () => {
  const base = {
    appId: "2021000149617001",
    sellerId: "2088721000218841",
    privateKey: pkcs1,
    keyMode: { type: "public_key", alipayPublicKey: bareBase64 },
  };
  const parse = (input: object) => parseInput(alipayConfigSchema, { ...base, ...input }, "config");

  it("takes an http(s) proxy URL, or alipay-sdk's ProxyAgent", async () => {
    expect(parse({ proxy: "http://pb:secret@proxy.example:3128" }).proxy).toBe(
      "http://pb:secret@proxy.example:3128",
    );
    const { ProxyAgent } = await import("alipay-sdk");
    const proxyAgent = new ProxyAgent("http://proxy.example:3128");
    expect(parse({ proxyAgent }).proxyAgent).toBe(proxyAgent);
    await proxyAgent.close();
  });

  it("names the field and the rule when wrong", () => {
    for (const proxy of ["socks5://127.0.0.1:1080", "proxy.example:3128", "http://proxy.example/path"]) {
      expect(() => parse({ proxy })).toThrow(ValidationError);
      expect(() => parse({ proxy })).toThrow(/config\.proxy: must be an http:\/\/ or https:\/\/ proxy URL/);
    }
    expect(() => parse({ proxyAgent: {} })).toThrow(/config\.proxyAgent: must be an undici Dispatcher/);
    expect(() => parse({ proxy: "http://proxy.example:3128", proxyAgent: { dispatch() {} } })).toThrow(
      /config\.proxyAgent: give proxy or proxyAgent, not both/,
    );
  });
});
