import { X509Certificate } from "node:crypto";
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CliStartError } from "../errors.js";
import { loadOrCreateWechatKeys, WECHAT_KEY_FILES } from "./key-files.js";

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), "pb-wx-keys-"));
  dirs.push(d);
  return join(d, "wechat");
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SECRET = ["merchantPrivateKey", "merchant", "platformPrivateKey", "wechatpayPublicKeyPrivate"] as const;

describe("loadOrCreateWechatKeys", () => {
  it("writes a full key set (secrets 0600) and reads the same keys back", () => {
    const dir = freshDir();
    const first = loadOrCreateWechatKeys(dir, "platform_certificate", new Date());
    expect(first.created).toBe(true);
    for (const [name, path] of Object.entries(first.files)) {
      const mode = statSync(path).mode & 0o777;
      expect(mode, name).toBe((SECRET as readonly string[]).includes(name) ? 0o600 : 0o644);
    }
    const cert = new X509Certificate(readFileSync(first.files.merchantCertificate, "utf8"));
    expect(cert.serialNumber.toUpperCase()).toBe(first.merchant.serialNo);
    const json = JSON.parse(readFileSync(first.files.merchant, "utf8"));
    expect(json).toEqual({
      mchid: first.merchant.mchid,
      appid: first.merchant.appid,
      apiV3Key: first.merchant.apiV3Key,
      wechatpayPublicKeyId: first.platform.publicKeyId,
    });

    const second = loadOrCreateWechatKeys(dir, "public_key", new Date());
    expect(second.created).toBe(false);
    expect(second.merchant).toMatchObject({
      mchid: first.merchant.mchid,
      appid: first.merchant.appid,
      serialNo: first.merchant.serialNo,
      apiV3Key: first.merchant.apiV3Key,
      keyMode: "public_key",
    });
    expect(second.merchant.keys).toEqual(first.merchant.keys);
    expect(second.platform.certificateSerial).toBe(first.platform.certificateSerial);
    expect(second.platform.certificateKeys).toEqual(first.platform.certificateKeys);
    expect(second.platform.publicKeyKeys).toEqual(first.platform.publicKeyKeys);
    expect(second.platform.publicKeyId).toBe(first.platform.publicKeyId);
    expect(second.platform.certificateNotAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it("refuses a half set, naming the missing files, and never overwrites", () => {
    const dir = freshDir();
    const { files } = loadOrCreateWechatKeys(dir, "platform_certificate", new Date());
    const before = readFileSync(files.merchantCertificate, "utf8");
    unlinkSync(files.merchantPrivateKey);
    unlinkSync(files.wechatpayPublicKey);
    expect(() => loadOrCreateWechatKeys(dir, "platform_certificate", new Date())).toThrow(
      new CliStartError(
        `${dir} holds an incomplete key set: missing ${WECHAT_KEY_FILES.merchantPrivateKey}, ${WECHAT_KEY_FILES.wechatpayPublicKey}. ` +
          "Restore those files, or delete the folder to generate a fresh set.",
      ),
    );
    expect(readFileSync(files.merchantCertificate, "utf8")).toBe(before);
  });

  it("refuses a private key that does not belong to its certificate", () => {
    const dir = freshDir();
    const { files } = loadOrCreateWechatKeys(dir, "platform_certificate", new Date());
    copyFileSync(files.platformPrivateKey, files.merchantPrivateKey);
    expect(() => loadOrCreateWechatKeys(dir, "platform_certificate", new Date())).toThrow(
      `${files.merchantPrivateKey} is not the private key of ${files.merchantCertificate}`,
    );
  });

  it("names the field when merchant.json is wrong", () => {
    const dir = freshDir();
    const { files } = loadOrCreateWechatKeys(dir, "platform_certificate", new Date());
    const json = JSON.parse(readFileSync(files.merchant, "utf8"));
    writeFileSync(files.merchant, JSON.stringify({ ...json, apiV3Key: "short" }));
    expect(() => loadOrCreateWechatKeys(dir, "platform_certificate", new Date())).toThrow(
      `${files.merchant}: "apiV3Key" must be exactly 32 characters (the APIv3 key)`,
    );
    writeFileSync(files.merchant, "{not json");
    expect(() => loadOrCreateWechatKeys(dir, "platform_certificate", new Date())).toThrow(
      `${files.merchant} is not valid JSON`,
    );
  });
});
