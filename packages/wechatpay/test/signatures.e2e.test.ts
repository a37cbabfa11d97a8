import { createSign, generateKeyPairSync } from "node:crypto";
import { cny, SignatureError, silentLogger, systemClock } from "@paybridge/core";
import { uniqueOutTradeNo as uid } from "@paybridge/core/testkit";
import { startWechatSandbox, type WechatKeyMode } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Pay from "wechatpay-node-v3";
import { WechatPayProvider } from "../src/index.js";
import { configFor, type Rig, startRig } from "./sandbox-setup.js";
import { type ProxiedResponse, startTamperProxy } from "./tamper-proxy.js";

const attacker = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

function resign(res: ProxiedResponse, privateKey: string, timestamp?: string): ProxiedResponse {
  const ts = timestamp ?? String(res.headers["wechatpay-timestamp"]);
  const nonce = String(res.headers["wechatpay-nonce"]);
  const signature = createSign("RSA-SHA256")
    .update(`${ts}\n${nonce}\n${res.body}\n`)
    .sign(privateKey, "base64");
  return { ...res, headers: { ...res.headers, "wechatpay-timestamp": ts, "wechatpay-signature": signature } };
}

const providerVia = (rig: Rig, origin: string, keyMode: WechatKeyMode) =>
  new WechatPayProvider(configFor(rig.merchant, origin), {
    merchantId: `mitm-${keyMode}`,
    clock: systemClock,
    logger: silentLogger,
  });

describe.each(["platform_certificate", "public_key"] as const)("signatures (%s)", (keyMode) => {
  let rig: Rig;
  let outTradeNo: string;
  beforeAll(async () => {
    rig = await startRig(keyMode);
    outTradeNo = uid("SG");
    await rig.provider.createPayment({
      outTradeNo,
      description: "sig",
      amount: cny(500),
      method: "native",
      notifyUrl: rig.notifyUrl,
    });
  });
  afterAll(() => rig.close());

  const platformKey = () =>
    keyMode === "public_key"
      ? rig.sandbox.platform.publicKeyKeys.privateKey
      : rig.sandbox.platform.certificateKeys.privateKey;

  it.each([
    [
      "tampered (trade_state changed, signature kept)",
      (r: ProxiedResponse) => ({ ...r, body: r.body.replace('"NOTPAY"', '"SUCCESS"') }),
    ],
    [
      "forged (re-signed with another key under the real serial)",
      (r: ProxiedResponse) =>
        resign({ ...r, body: r.body.replace('"NOTPAY"', '"SUCCESS"') }, attacker.privateKey),
    ],
    [
      "expired (correctly signed, timestamp 6 minutes old)",
      (r: ProxiedResponse, key: string) => resign(r, key, String(Math.floor(Date.now() / 1000) - 360)),
    ],
    [
      "signed by an unknown serial",
      (r: ProxiedResponse) => ({
        ...r,
        headers: { ...r.headers, "wechatpay-serial": "PUB_KEY_ID_0000000000000000000000000000" },
      }),
    ],
    [
      "unsigned",
      (r: ProxiedResponse) => {
        const headers = { ...r.headers };
        delete headers["wechatpay-signature"];
        return { ...r, headers };
      },
    ],
  ])("rejects a %s response with SignatureError", async (_label, mutate) => {
    const proxy = await startTamperProxy(rig.sandbox.origin, (r, path) =>
      path.startsWith("/v3/pay/transactions/out-trade-no/") ? mutate(r, platformKey()) : r,
    );
    try {
      const provider = providerVia(rig, proxy.origin, keyMode);
      await expect(provider.queryPayment({ outTradeNo })).rejects.toBeInstanceOf(SignatureError);
      // The same provider through an honest path works: the refusal was about the answer.
      const honest = providerVia(rig, rig.sandbox.origin, keyMode);
      expect((await honest.queryPayment({ outTradeNo })).rawStatus).toBe("NOTPAY");
    } finally {
      await proxy.close();
    }
  });

  it("rejects a tampered signed error answer", async () => {
    const proxy = await startTamperProxy(rig.sandbox.origin, (r) =>
      r.status === 404 ? { ...r, body: r.body.replace("ORDER_NOT_EXIST", "SYSTEM_ERROR") } : r,
    );
    try {
      await expect(
        providerVia(rig, proxy.origin, keyMode).queryPayment({ outTradeNo: uid("NX") }),
      ).rejects.toBeInstanceOf(SignatureError);
    } finally {
      await proxy.close();
    }
  });

  it("is refused by the sandbox (401 SIGN_ERROR, final) when the merchant key is wrong", async () => {
    const wrong = new WechatPayProvider(
      configFor({ ...rig.merchant, privateKey: attacker.privateKey }, rig.sandbox.origin),
      {
        merchantId: "wrong",
        clock: systemClock,
        logger: silentLogger,
      },
    );
    await expect(wrong.queryPayment({ outTradeNo })).rejects.toMatchObject({
      name: "SignatureError",
      providerCode: "SIGN_ERROR",
      httpStatus: 401,
      retryable: false,
    });
  });

  it("accepts the merchant serial in any letter case", async () => {
    const lower = new WechatPayProvider(
      configFor({ ...rig.merchant, serialNo: rig.merchant.serialNo.toLowerCase() }, rig.sandbox.origin),
      { merchantId: "lower", clock: systemClock, logger: silentLogger },
    );
    expect((await lower.queryPayment({ outTradeNo })).rawStatus).toBe("NOTPAY");
  });

  it("rejects forged, tampered and expired notifications", async () => {
    const paidNo = uid("SN");
    await rig.provider.createPayment({
      outTradeNo: paidNo,
      description: "n",
      amount: cny(800),
      method: "native",
      notifyUrl: rig.notifyUrl,
    });
    rig.sandbox.control.pay(paidNo);
    const n = await rig.sandbox.control.nextNotification(paidNo, "trade");
    const good = { headers: { ...n.headers }, body: n.body };
    expect((await rig.provider.parseNotification(good)).kind).toBe("trade");
    const asResponse: ProxiedResponse = {
      status: 200,
      headers: Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: n.body,
    };
    const forged = resign(asResponse, attacker.privateKey);
    const expired = resign(asResponse, platformKey(), String(Math.floor(Date.now() / 1000) - 301));
    const body = JSON.parse(n.body) as { resource: { ciphertext: string } };
    const flipped = Buffer.from(body.resource.ciphertext, "base64");
    flipped[3] = (flipped[3] ?? 0) ^ 0xff;
    body.resource.ciphertext = flipped.toString("base64");
    // Re-signed with the real key: only the AEAD tag can catch this one.
    const tamperedResource = resign({ ...asResponse, body: JSON.stringify(body) }, platformKey());
    for (const bad of [forged, expired, tamperedResource]) {
      await expect(
        rig.provider.parseNotification({ headers: bad.headers as Record<string, string>, body: bad.body }),
      ).rejects.toBeInstanceOf(SignatureError);
    }
  });
});

describe("keys are held per provider instance", () => {
  it("two merchants on two sandboxes with different platform keys work side by side", async () => {
    const a = await startWechatSandbox({ allowLoopbackHttpNotify: true });
    const b = await startWechatSandbox({ allowLoopbackHttpNotify: true });
    try {
      const pa = new WechatPayProvider(configFor(a.merchant(), a.origin), {
        merchantId: "a",
        clock: systemClock,
        logger: silentLogger,
      });
      const pb = new WechatPayProvider(configFor(b.merchant(), b.origin), {
        merchantId: "b",
        clock: systemClock,
        logger: silentLogger,
      });
      for (const [p, s] of [
        [pa, a],
        [pb, b],
      ] as const) {
        const r = await p.createPayment({
          outTradeNo: uid("KS"),
          description: "k",
          amount: cny(1),
          method: "native",
          notifyUrl: `${s.origin}/sandbox/notify-sink`,
        });
        expect((await p.queryPayment({ outTradeNo: r.outTradeNo })).state).toBe(0);
      }
      expect(pa.keys.certificateSerials).toEqual([a.platform.certificateSerial]);
      expect(pb.keys.certificateSerials).toEqual([b.platform.certificateSerial]);
      // wechatpay-node-v3's process-wide certificate map was never used.
      expect((Pay as unknown as { certificates?: Record<string, string> }).certificates ?? {}).toEqual({});
    } finally {
      await a.close();
      await b.close();
    }
  });
});
