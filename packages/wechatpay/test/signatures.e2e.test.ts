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

// "switch": the merchant is mid-way from platform certificates to the public key and the provider
// runs the combined configuration; forgeries must fail there exactly as in the two plain modes.
describe.each(["platform_certificate", "public_key", "switch"] as const)("signatures (%s)", (keyMode) => {
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

  // The genuine key behind a serial (answers in switch mode are signed with the public key, which
  // the combined configuration names in Wechatpay-Serial).
  const keyOf = (serial: string) =>
    serial === rig.sandbox.platform.publicKeyId
      ? rig.sandbox.platform.publicKeyKeys.privateKey
      : rig.sandbox.platform.certificateKeys.privateKey;
  const platformKey = () =>
    keyOf(
      keyMode === "platform_certificate"
        ? rig.sandbox.platform.certificateSerial
        : rig.sandbox.platform.publicKeyId,
    );

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
    const genuine = keyOf(String(asResponse.headers["wechatpay-serial"]));
    const expired = resign(asResponse, genuine, String(Math.floor(Date.now() / 1000) - 301));
    const body = JSON.parse(n.body) as { resource: { ciphertext: string } };
    const flipped = Buffer.from(body.resource.ciphertext, "base64");
    flipped[3] = (flipped[3] ?? 0) ^ 0xff;
    body.resource.ciphertext = flipped.toString("base64");
    // Re-signed with the real key: only the AEAD tag can catch this one.
    const tamperedResource = resign({ ...asResponse, body: JSON.stringify(body) }, genuine);
    for (const bad of [forged, expired, tamperedResource]) {
      await expect(
        rig.provider.parseNotification({ headers: bad.headers as Record<string, string>, body: bad.body }),
      ).rejects.toBeInstanceOf(SignatureError);
    }
  });
});

describe("signatures in combined mode: the serial decides the key", () => {
  let rig: Rig;
  let outTradeNo: string;
  beforeAll(async () => {
    rig = await startRig("switch");
    outTradeNo = uid("SW");
    await rig.provider.createPayment({
      outTradeNo,
      description: "sig",
      amount: cny(500),
      method: "native",
      notifyUrl: rig.notifyUrl,
    });
  });
  afterAll(() => rig.close());

  it.each([
    ["signed with the platform certificate, named as the public key", "cert", "pub"],
    ["signed with the public key, named as the platform certificate", "pub", "cert"],
  ] as const)("rejects an answer %s", async (_label, signWith, nameAs) => {
    const p = rig.sandbox.platform;
    const key = signWith === "cert" ? p.certificateKeys.privateKey : p.publicKeyKeys.privateKey;
    const serial = nameAs === "cert" ? p.certificateSerial : p.publicKeyId;
    const proxy = await startTamperProxy(rig.sandbox.origin, (r, path) =>
      path.startsWith("/v3/pay/transactions/out-trade-no/")
        ? resign({ ...r, headers: { ...r.headers, "wechatpay-serial": serial } }, key)
        : r,
    );
    try {
      const provider = providerVia(rig, proxy.origin, "switch");
      await expect(provider.queryPayment({ outTradeNo })).rejects.toBeInstanceOf(SignatureError);
    } finally {
      await proxy.close();
    }
  });

  it("accepts genuine answers signed with either key", async () => {
    const p = rig.sandbox.platform;
    for (const requestSerial of ["public_key", "platform_certificate"] as const) {
      const seen: string[] = [];
      const proxy = await startTamperProxy(rig.sandbox.origin, (r) => {
        seen.push(String(r.headers["wechatpay-serial"]));
        return r;
      });
      try {
        const config = configFor(rig.merchant, proxy.origin);
        if (config.keyMode.type !== "combined") throw new Error("switch merchants get the combined config");
        const provider = new WechatPayProvider(
          { ...config, keyMode: { ...config.keyMode, requestSerial } },
          { merchantId: `combined-${requestSerial}`, clock: systemClock, logger: silentLogger },
        );
        expect((await provider.queryPayment({ outTradeNo })).rawStatus).toBe("NOTPAY");
        // The sandbox answered with the key the request's Wechatpay-Serial named.
        const expected = requestSerial === "public_key" ? p.publicKeyId : p.certificateSerial;
        expect(seen.filter((s) => s !== expected && s !== p.certificateSerial)).toEqual([]);
        expect(seen.at(-1)).toBe(expected);
      } finally {
        await proxy.close();
      }
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
