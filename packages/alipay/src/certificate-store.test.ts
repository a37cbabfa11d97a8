import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import type { AlipaySdkConfig } from "alipay-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlipayCertificateStore } from "./certificate-store.js";

/** A download the test controls: certificates by SN, each call counted and released when told. */
function controlledDownload(served: Map<string, string>) {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  return {
    calls,
    /** Waits (polling, no fixed budget) until a download is waiting, then lets it answer. */
    releaseNext: async () => {
      for (let i = 0; gates.length === 0; i += 1) {
        if (i > 60_000) throw new Error("no download started");
        await new Promise((r) => setTimeout(r, 2));
      }
      gates.shift()?.();
    },
    download: async (sn: string) => {
      calls.push(sn);
      await new Promise<void>((resolve) => gates.push(resolve));
      const pem = served.get(sn);
      if (!pem) throw new Error(`isv.invalid-alipay-cert-sn: ${sn}`);
      return pem;
    },
  };
}

describe("AlipayCertificateStore", () => {
  let sandbox: AlipaySandbox;
  let base: AlipaySdkConfig & {
    appCertContent: string;
    alipayPublicCertContent: string;
    alipayRootCertContent: string;
  };
  const served = new Map<string, string>();
  let rotated: { sn: string; pem: string };
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);

  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ keyMode: "certificate" });
    const config = sandbox.merchantConfig();
    if (config.keyMode.type !== "certificate") throw new Error("certificate mode");
    base = {
      appId: config.appId,
      privateKey: config.privateKey,
      keyType: "PKCS8",
      signType: "RSA2",
      appCertContent: config.keyMode.appCertContent,
      alipayPublicCertContent: config.keyMode.alipayPublicCertContent,
      alipayRootCertContent: config.keyMode.alipayRootCertContent,
    };
    const r = await sandbox.rotateCertificate();
    rotated = { sn: r.alipayCertSn, pem: r.certificate };
    served.set(r.alipayCertSn, r.certificate);
  });
  afterAll(() => sandbox.close());

  it("holds the configured certificate under the SN alipay-sdk computes", () => {
    const store = new AlipayCertificateStore(base, clock, { missCooldownMs: 60_000 }, async () => "");
    expect(store.sns).toEqual([sandbox.certificates?.alipayCertSn]);
    expect(store.verifierFor(sandbox.certificates?.alipayCertSn ?? "")).toBeDefined();
    expect(store.verifierFor(rotated.sn)).toBeUndefined();
  });

  it("answers naming one new SN at once share one download; the certificate is then held and tried first", async () => {
    const d = controlledDownload(served);
    const store = new AlipayCertificateStore(base, clock, { missCooldownMs: 60_000 }, d.download);
    const waits = Array.from({ length: 10 }, () => store.obtain(rotated.sn));
    await d.releaseNext();
    const verifiers = await Promise.all(waits);
    expect(new Set(verifiers).size).toBe(1);
    expect(d.calls).toEqual([rotated.sn]);
    expect(store.downloads).toBe(1);
    expect(store.sns).toEqual([sandbox.certificates?.alipayCertSn, rotated.sn]);
    expect(store.newestFirst()[0]).toBe(verifiers[0]);
    // Held now: no more downloads.
    await store.obtain(rotated.sn);
    expect(d.calls).toHaveLength(1);
  });

  it("forged SNs: downloads run one at a time, and after a miss the others are refused without one until the cooldown ends", async () => {
    const d = controlledDownload(served);
    const store = new AlipayCertificateStore(base, clock, { missCooldownMs: 60_000 }, d.download);
    const forged = Array.from({ length: 20 }, (_, i) => store.obtain(`forged${i}`));
    await d.releaseNext();
    const results = await Promise.allSettled(forged);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(d.calls).toEqual(["forged0"]);
    const reasons = results.map((r) => (r.status === "rejected" ? String(r.reason.message) : ""));
    expect(reasons[0]).toMatch(/forged0.*download failed/);
    expect(reasons[1]).toMatch(/forged1.*not downloaded/);
    // A genuine new SN within the cooldown is refused too (the trade-off of bounding forgeries).
    await expect(store.obtain(rotated.sn)).rejects.toThrow(/not downloaded/);
    offset += 60_001;
    const next = store.obtain(rotated.sn);
    await d.releaseNext();
    await expect(next).resolves.toBeDefined();
    expect(d.calls).toEqual(["forged0", rotated.sn]);
  });

  it("refuses a certificate whose SN is not the one asked for, and drops certificates once expired", async () => {
    const swapped = new Map([["wanted", rotated.pem]]);
    const d = controlledDownload(swapped);
    const store = new AlipayCertificateStore(base, clock, { missCooldownMs: 0 }, d.download);
    const call = store.obtain("wanted");
    await d.releaseNext();
    await expect(call).rejects.toThrow(new RegExp(`has SN ${rotated.sn}, not the wanted asked for`));
    expect(store.sns).toHaveLength(1);
    // Eleven years on, the configured certificate (ten years) is no longer held.
    const saved = offset;
    offset += 11 * 365 * 86_400_000;
    expect(store.sns).toEqual([]);
    expect(store.newestFirst()).toEqual([]);
    offset = saved;
  });
});
