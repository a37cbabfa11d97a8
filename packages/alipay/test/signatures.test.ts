import { cny, SignatureError } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { startAlipaySandbox } from "@paybridge/sandbox";
import { rsa2Sign } from "@paybridge/sandbox/alipay";
import { generateRsaKeyPair } from "@paybridge/sandbox/simulator-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlipayProvider } from "../src/index.js";
import { type AlipayHarness, alipayHarness, providerFor } from "./support.js";

describe("alipay signature verification is on, in both directions and both key modes", () => {
  let h: AlipayHarness;
  let certs: AlipayHarness;
  beforeAll(async () => {
    [h, certs] = await Promise.all([alipayHarness(), alipayHarness({ keyMode: "certificate" })]);
  });
  afterAll(async () => {
    await Promise.all([h.close(), certs.close()]);
  });

  const everyCall = async (provider: AlipayProvider, target: AlipayHarness) => {
    const outTradeNo = uniqueOutTradeNo("SG");
    const base = { description: "x", amount: cny(1000), notifyUrl: target.receiver.url };
    // Seed a paid trade through a correctly configured provider.
    await target.provider.createPayment({ ...base, outTradeNo, method: "native" });
    await target.sandbox.pay(outTradeNo);
    const other = uniqueOutTradeNo("SG");
    return [
      provider.createPayment({ ...base, outTradeNo: other, method: "native" }),
      provider.createPayment({
        ...base,
        outTradeNo: uniqueOutTradeNo("SG"),
        method: "mini_program",
        payer: { buyerId: "2088102177846875" },
      }),
      provider.queryPayment({ outTradeNo }),
      provider.closePayment({ outTradeNo }),
      provider.cancelPayment({ outTradeNo }),
      provider.refund({ outTradeNo, outRefundNo: `${outTradeNo}R`, amount: cny(100), total: cny(1000) }),
      provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` }),
      provider.queryPayment({ outTradeNo: uniqueOutTradeNo("NX") }),
    ];
  };

  it("public-key mode: with the wrong Alipay public key every answer fails verification", async () => {
    const wrong = providerFor(h.sandbox, {
      keyMode: { type: "public_key", alipayPublicKey: generateRsaKeyPair().publicKey },
    });
    const before = h.sandbox.requestCount();
    const calls = await everyCall(wrong, h);
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(SignatureError);
    // The gateway did answer every call (2 setup calls + 8): the failure is the answer's signature.
    expect(h.sandbox.requestCount() - before).toBe(calls.length + 1);
    // The refund did reach the gateway and may have been applied: an unverifiable answer says
    // nothing either way, so the refund is settled by a query once the key is fixed.
    const note = h.sandbox.notifications().at(-1);
    await expect(
      wrong.parseNotification({ headers: note?.headers ?? {}, body: note?.body ?? "" }),
    ).rejects.toBeInstanceOf(SignatureError);
  });

  it("certificate mode: with another Alipay's certificate and root every answer fails verification", async () => {
    const stranger = await startAlipaySandbox({ keyMode: "certificate" });
    const config = certs.sandbox.merchantConfig();
    const strangerConfig = stranger.merchantConfig();
    await stranger.close();
    if (config.keyMode.type !== "certificate" || strangerConfig.keyMode.type !== "certificate")
      throw new Error("cert mode");
    const wrong = providerFor(certs.sandbox, {
      keyMode: {
        ...config.keyMode,
        alipayPublicCertContent: strangerConfig.keyMode.alipayPublicCertContent,
        alipayRootCertContent: strangerConfig.keyMode.alipayRootCertContent,
      },
    });
    // The answers name the gateway's certificate, which the merchant does not hold: it is fetched
    // and refused, as it does not chain to the (stranger's) configured root.
    for (const call of await everyCall(wrong, certs))
      await expect(call).rejects.toBeInstanceOf(SignatureError);
    // Only the configured certificate is held: the refused one was not kept.
    expect(wrong.alipayCertificates?.held).toHaveLength(1);
    // One download for all eight answers: after it was refused, the SN is not fetched again for a while.
    expect(wrong.alipayCertificates?.downloads).toBe(1);
  });

  it("certificate mode: the SNs alipay-sdk sends are the ones the gateway checks", async () => {
    const provider = certs.provider as AlipayProvider;
    expect(provider.certificateSerials).toEqual({
      appCertSn: certs.sandbox.certificates?.appCertSn,
      alipayRootCertSn: certs.sandbox.certificates?.alipayRootCertSn,
      alipayCertSn: certs.sandbox.certificates?.alipayCertSn,
    });
    // The root bundle holds an ECDSA root too; only the RSA root counts, so the SN has no "_".
    expect(certs.sandbox.certificates?.alipayRootCertSn).toMatch(/^[0-9a-f]{32}$/);
  });

  it("certificate mode: an app certificate the gateway does not know is refused (isv.invalid-app-cert-sn)", async () => {
    const stranger = await startAlipaySandbox({ keyMode: "certificate", appKeys: certs.sandbox.appKeys });
    const strangerConfig = stranger.merchantConfig();
    await stranger.close();
    const config = certs.sandbox.merchantConfig();
    if (config.keyMode.type !== "certificate" || strangerConfig.keyMode.type !== "certificate")
      throw new Error("cert mode");
    const wrong = providerFor(certs.sandbox, {
      keyMode: { ...config.keyMode, appCertContent: strangerConfig.keyMode.appCertContent },
    });
    const call = wrong.queryPayment({ outTradeNo: uniqueOutTradeNo("NX") });
    await expect(call).rejects.toBeInstanceOf(SignatureError);
    await expect(call).rejects.toMatchObject({ providerCode: "isv.invalid-app-cert-sn" });
  });

  it("a request signed with the wrong app private key is refused by the gateway (isv.invalid-signature)", async () => {
    const wrong = providerFor(h.sandbox, { privateKey: generateRsaKeyPair().privateKey });
    const call = wrong.queryPayment({ outTradeNo: uniqueOutTradeNo("NX") });
    await expect(call).rejects.toBeInstanceOf(SignatureError);
    await expect(call).rejects.toMatchObject({ providerCode: "isv.invalid-signature", retryable: false });
  });

  it("forged and tampered notifications are rejected; the genuine one passes", async () => {
    const outTradeNo = uniqueOutTradeNo("NT");
    await h.provider.createPayment({
      outTradeNo,
      description: "x",
      amount: cny(1888),
      method: "native",
      notifyUrl: h.receiver.url,
    });
    await h.sandbox.pay(outTradeNo);
    const note = h.sandbox.notifications().find((n) => n.outTradeNo === outTradeNo);
    const body = note?.body ?? "";
    const headers = note?.headers ?? {};
    const genuine = await h.provider.parseNotification({ headers, body });
    expect(genuine.kind === "trade" && genuine.trade).toMatchObject({
      outTradeNo,
      state: 3,
      amount: cny(1888),
    });

    const fields = new URLSearchParams(body);
    const cheaper = new URLSearchParams(fields);
    cheaper.set("total_amount", "0.01");
    await expect(h.provider.parseNotification({ headers, body: cheaper.toString() })).rejects.toBeInstanceOf(
      SignatureError,
    );

    // Signed, but by a key that is not Alipay's.
    const forged = new URLSearchParams(fields);
    forged.delete("sign");
    forged.delete("sign_type");
    const content = [...forged.keys()]
      .sort()
      .map((k) => `${k}=${forged.get(k)}`)
      .join("&");
    forged.set("sign", rsa2Sign(content, generateRsaKeyPair().privateKey));
    forged.set("sign_type", "RSA2");
    await expect(h.provider.parseNotification({ headers, body: forged.toString() })).rejects.toBeInstanceOf(
      SignatureError,
    );

    const unsigned = new URLSearchParams(fields);
    unsigned.delete("sign");
    await expect(h.provider.parseNotification({ headers, body: unsigned.toString() })).rejects.toBeInstanceOf(
      SignatureError,
    );
  });
});
