import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@paybridge/core";
import { parseInput } from "@paybridge/core/provider-kit";
import { afterAll, describe, expect, it } from "vitest";
import { type WechatPayV3ConfigInput, wechatPayV3ConfigSchema } from "./config.js";

const pair = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
const merchant = pair();
const wechat = pair();
const dir = mkdtempSync(join(tmpdir(), "paybridge-wechat-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  mchid: "1900000109",
  appid: "wx8888888888888888",
  merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
  privateKey: merchant.privateKey,
  apiV3Key: "0123456789abcdef0123456789abcdef",
  keyMode: { type: "platform_certificate" },
} satisfies WechatPayV3ConfigInput;
const parse = (input: unknown) => parseInput(wechatPayV3ConfigSchema, input, "config");

describe("wechatpay config: keys from where operators keep them", () => {
  it("takes every key as text, Buffer, file or environment variable", () => {
    const keyFile = join(dir, "apiclient_key.pem");
    const pubFile = join(dir, "pub_key.pem");
    writeFileSync(keyFile, merchant.privateKey);
    writeFileSync(pubFile, wechat.publicKey);
    process.env.PAYBRIDGE_TEST_APIV3 = `${base.apiV3Key}\n`;
    const config = parse({
      ...base,
      privateKey: { file: keyFile },
      apiV3Key: { env: "PAYBRIDGE_TEST_APIV3" },
      keyMode: {
        type: "combined",
        publicKeyId: "PUB_KEY_ID_0114232134912410000000000000",
        publicKey: Buffer.from(wechat.publicKey),
      },
    });
    expect(config.privateKey).toBe(merchant.privateKey);
    expect(config.apiV3Key).toBe(base.apiV3Key);
    expect(config.keyMode.type === "combined" && config.keyMode.publicKey).toBe(wechat.publicKey);
    // Backward compatible: plain PEM text and the two original modes parse as before.
    expect(parse(base).keyMode).toEqual({ type: "platform_certificate" });
    const pub = parse({
      ...base,
      keyMode: { type: "public_key", publicKeyId: "PUB_KEY_ID_01", publicKey: { file: pubFile } },
    });
    expect(pub.keyMode.type === "public_key" && pub.keyMode.publicKey).toBe(wechat.publicKey);
    expect(config.certificates).toEqual({ refreshIntervalMs: 12 * 3600_000, missCooldownMs: 60_000 });
    expect(
      parse({
        ...base,
        keyMode: { type: "combined", publicKeyId: "PUB_KEY_ID_01", publicKey: wechat.publicKey },
      }).keyMode,
    ).toMatchObject({
      requestSerial: "public_key",
    });
  });

  it("names the field, never the key", () => {
    const attempts: [unknown, RegExp][] = [
      [
        { ...base, privateKey: { file: join(dir, "nope.pem") } },
        /^config\.privateKey: file .*nope\.pem cannot be read/,
      ],
      [{ ...base, privateKey: wechat.publicKey }, /^config\.privateKey: must be a PEM private key/],
      [
        { ...base, apiV3Key: { env: "PAYBRIDGE_TEST_UNSET_APIV3" } },
        /^config\.apiV3Key: environment variable PAYBRIDGE_TEST_UNSET_APIV3 is not set/,
      ],
      [
        {
          ...base,
          keyMode: { type: "public_key", publicKeyId: "PUB_KEY_ID_01", publicKey: merchant.privateKey },
        },
        /^config\.keyMode\.publicKey: must be a PEM public key/,
      ],
      [
        {
          ...base,
          keyMode: {
            type: "combined",
            publicKeyId: "PUB_KEY_ID_01",
            publicKey: wechat.publicKey,
            requestSerial: "x",
          },
        },
        /^config\.keyMode\.requestSerial: must be public_key or platform_certificate/,
      ],
    ];
    for (const [input, message] of attempts) {
      let error: unknown;
      try {
        parse(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect(String((error as Error).message)).toMatch(message);
      for (const secret of [merchant.privateKey, wechat.publicKey]) {
        const body = secret.split("\n")[1] ?? "";
        expect((error as Error).message).not.toContain(body);
      }
    }
  });
});

describe("wechatpay config: proxy and agent", () => {
  it("takes an http(s) proxy URL, with credentials, or an http.Agent", async () => {
    expect(parse({ ...base, proxy: "http://pb:secret@proxy.example:3128" }).proxy).toBe(
      "http://pb:secret@proxy.example:3128",
    );
    expect(parse({ ...base, proxy: "https://proxy.example" }).proxy).toBe("https://proxy.example");
    const { Agent } = await import("node:https");
    const agent = new Agent({ keepAlive: true });
    expect(parse({ ...base, agent }).agent).toBe(agent);
    agent.destroy();
  });

  it("names proxy and the rule for anything but an http(s) proxy URL", () => {
    for (const proxy of [
      "socks5://127.0.0.1:1080",
      "ftp://proxy.example",
      "proxy.example:3128",
      "http://proxy.example/path",
      "http://proxy.example:3128?x=1",
      3128,
    ]) {
      expect(() => parse({ ...base, proxy })).toThrow(ValidationError);
      expect(() => parse({ ...base, proxy })).toThrow(
        /config\.proxy: must be an http:\/\/ or https:\/\/ proxy URL/,
      );
    }
  });

  it("refuses an agent that is not an http.Agent, and proxy with agent", async () => {
    expect(() => parse({ ...base, agent: { dispatch() {} } })).toThrow(
      /config\.agent: must be an http\.Agent/,
    );
    const { Agent } = await import("node:http");
    expect(() => parse({ ...base, proxy: "http://proxy.example:3128", agent: new Agent() })).toThrow(
      /config\.agent: give proxy or agent, not both/,
    );
  });
});
