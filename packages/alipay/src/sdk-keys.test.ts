import { createSign, createVerify, generateKeyPairSync, KeyObject } from "node:crypto";
import { AlipaySdk } from "alipay-sdk";
import { describe, expect, it } from "vitest";
import { parseSdkKeysOnce } from "./sdk-keys.js";

const pem = (k: KeyObject, type: "pkcs8" | "spki") => k.export({ type, format: "pem" }).toString();
const app = generateKeyPairSync("rsa", { modulusLength: 2048 });
const alipay = generateKeyPairSync("rsa", { modulusLength: 2048 });

function sdk(): AlipaySdk {
  const s = new AlipaySdk({
    appId: "2021000000000001",
    privateKey: pem(app.privateKey, "pkcs8"),
    keyType: "PKCS8",
    signType: "RSA2",
    alipayPublicKey: pem(alipay.publicKey, "spki"),
  });
  parseSdkKeysOnce(s);
  return s;
}

/** A notification form signed as Alipay signs one (RSA2 over the sorted fields, sign and sign_type left out). */
function signedNotification(fields: Record<string, string>): Record<string, string> {
  const text = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("&");
  const sign = createSign("RSA-SHA256").update(text, "utf8").sign(alipay.privateKey, "base64");
  return { ...fields, sign, sign_type: "RSA2" };
}

describe("parseSdkKeysOnce", () => {
  it("leaves alipay-sdk holding KeyObjects for both keys", () => {
    const s = sdk();
    expect(s.config.privateKey).toBeInstanceOf(KeyObject);
    expect(s.config.alipayPublicKey).toBeInstanceOf(KeyObject);
  });

  it("the SDK still signs requests with the app key", () => {
    const url = new URL(
      sdk().pageExec("alipay.trade.page.pay", "GET", { bizContent: { out_trade_no: "T1" } }),
    );
    const params = Object.fromEntries(url.searchParams);
    const { sign, ...rest } = params;
    const text = Object.keys(rest)
      .sort()
      .map((k) => `${k}=${rest[k]}`)
      .join("&");
    expect(
      createVerify("RSA-SHA256")
        .update(text, "utf8")
        .verify(app.publicKey, sign ?? "", "base64"),
    ).toBe(true);
  });

  it("the SDK still verifies notifications with Alipay's key, and refuses a changed one", () => {
    const s = sdk();
    const form = signedNotification({
      out_trade_no: "T1",
      total_amount: "88.00",
      trade_status: "TRADE_SUCCESS",
    });
    expect(s.checkNotifySignV2({ ...form })).toBe(true);
    expect(s.checkNotifySignV2({ ...form, total_amount: "0.01" })).toBe(false);
  });
});
