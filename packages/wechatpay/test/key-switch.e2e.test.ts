import { type Clock, SignatureError, silentLogger, systemClock } from "@paybridge/core";
import {
  ManualClock,
  type SentNotification,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { WechatPayProvider, type WechatPayV3ConfigInput } from "../src/index.js";
import { forgedNotification, payRound, type Receiver, startReceiver } from "./key-switch-support.js";

const DAY_MS = 24 * 3600_000;
// Hundreds of signed calls and notifications: generous bounds so a loaded machine (2 cores, many
// test runs) finishes them; nothing here measures speed.
const HEAVY_MS = 600_000;

let sandbox: WechatSandbox | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  await sandbox?.close();
  receiver = undefined;
  sandbox = undefined;
});

const provider = (config: WechatPayV3ConfigInput, name: string, clock: Clock = systemClock) =>
  new WechatPayProvider(config, { merchantId: name, clock, logger: silentLogger });

/** The merchant's three deployments of the migration guide, from one sandbox merchant. */
function deployments(s: WechatSandbox) {
  const m = s.merchant();
  const base = { ...s.merchantConfig(), keyMode: { type: "platform_certificate" } } as const;
  const publicKey = { publicKeyId: m.wechatpayPublicKeyId, publicKey: m.wechatpayPublicKey };
  return {
    certificates: (): WechatPayV3ConfigInput => base,
    combined: (): WechatPayV3ConfigInput => ({ ...base, keyMode: { type: "combined", ...publicKey } }),
    publicKeyOnly: (): WechatPayV3ConfigInput => ({ ...base, keyMode: { type: "public_key", ...publicKey } }),
  };
}

const serialOf = (n: SentNotification) => n.headers["Wechatpay-Serial"];

describe("WeChat's switch from platform certificates to the WeChat Pay public key", () => {
  it("runs the whole ramp (0.1% -> 100% over seven sandbox days) without one rejected genuine answer or notification", {
    timeout: HEAVY_MS,
  }, async () => {
    const clock = new ManualClock(Date.now());
    sandbox = await startWechatSandbox({
      clock,
      merchants: [{ keyMode: "platform_certificate" }],
      allowLoopbackHttpNotify: true,
    });
    const s = sandbox;
    const mchid = s.merchant().mchid;
    const deploy = deployments(s);
    // The deployment that was never migrated: it shows what the switch does to a merchant that
    // holds one kind of key only (and that this test can fail).
    const legacy = provider(deploy.certificates(), "legacy");
    let current = provider(deploy.certificates(), "step-0");
    receiver = await startReceiver(current);

    // Step 0: platform certificates only, as before the migration.
    await payRound(current, s, receiver, 8);

    // Step 1: the combined configuration is deployed before the switch is started. WeChat ignores
    // the PUB_KEY_ID_ in Wechatpay-Serial until then and keeps signing with the certificate.
    current = provider(deploy.combined(), "step-1");
    receiver.deploy(current);
    await payRound(current, s, receiver, 8);

    // Step 2: the merchant starts the switch on the merchant platform; WeChat ramps notifications.
    s.control.setKeyMode(mchid, "switch", { seed: 20261201 });
    const perDay: { ratio: number; publicKey: number; total: number; legacyRejected: number }[] = [];
    for (let day = 0; day < 8; day += 1) {
      if (day > 0) s.control.advance(DAY_MS);
      const ratio = s.control.publicKeyRatio(mchid);
      const built = await payRound(current, s, receiver, 40);
      const publicKey = built.filter((n) => serialOf(n) === s.platform.publicKeyId).length;
      let legacyRejected = 0;
      for (const n of built) {
        await legacy
          .parseNotification({ headers: { ...n.headers }, body: n.body })
          .catch((error: unknown) => {
            expect(error).toBeInstanceOf(SignatureError);
            legacyRejected += 1;
          });
      }
      perDay.push({ ratio, publicKey, total: built.length, legacyRejected });
    }
    expect(perDay.map((d) => d.ratio)).toEqual([0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 1]);
    // From day seven every notification is signed with the public key; mid-ramp both keys occur.
    expect(perDay[6]?.publicKey).toBe(40);
    expect(perDay[7]?.publicKey).toBe(40);
    expect(perDay[5]?.publicKey).toBeGreaterThan(0);
    expect(perDay[5]?.publicKey).toBeLessThan(40);
    // The legacy deployment rejects exactly the public-key share: the combined one rejected none.
    for (const d of perDay) expect(d.legacyRejected).toBe(d.publicKey);
    expect(perDay.reduce((sum, d) => sum + d.legacyRejected, 0)).toBeGreaterThan(40);

    // Step 3: after the ramp, the certificates can go: public key only, never /v3/certificates.
    const final = provider(deploy.publicKeyOnly(), "step-3");
    receiver.deploy(final);
    await payRound(final, s, receiver, 8);
    expect(final.keys.downloads).toBe(0);

    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toBe(8 + 8 + 8 * 40 + 8);
    // Answers followed the request's serial: the combined deployment asked for public-key answers
    // and needed certificates only for the notifications (one download, on the first of them).
    expect(current.keys.downloads).toBe(1);
  });
});

describe("platform certificate lifecycle", () => {
  it("survives two certificate rotations mid-run with zero failed calls", { timeout: HEAVY_MS }, async () => {
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "platform_certificate" }],
      allowLoopbackHttpNotify: true,
    });
    const s = sandbox;
    const p = provider(deployments(s).certificates(), "rotation");
    receiver = await startReceiver(p);
    const rotated: string[] = [];
    await payRound(p, s, receiver, 60, 6, (index) => {
      // Rotations happen while other calls are in flight.
      if (index === 20) rotated.push(s.control.rotateCertificate().serial);
      if (index === 40) rotated.push(s.control.rotateCertificate({ retirePrevious: true }).serial);
    });
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toBe(60);
    expect(p.keys.certificateSerials).toEqual(
      expect.arrayContaining([s.platform.certificateSerial, ...rotated]),
    );
    // One download to start and at most one per rotation, however many answers named the new serial.
    expect(p.keys.downloads).toBeLessThanOrEqual(3);
    // Requests name the newest certificate.
    expect(p.keys.requestSerial).toBe(rotated[1]);
  });

  it("refreshes every 12 h by default, drops expired certificates and encrypts with the newest", {
    timeout: HEAVY_MS,
  }, async () => {
    // Only the provider's clock jumps ahead (wechatpay-node-v3 signs requests with the real time),
    // so this provider accepts answers up to three days old: the window is not under test here.
    let offset = 0;
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "platform_certificate" }],
      allowLoopbackHttpNotify: true,
    });
    const s = sandbox;
    const clock: Clock = () => new Date(Date.now() + offset);
    const p = provider({ ...deployments(s).certificates(), signatureWindowMs: 3 * DAY_MS }, "refresh", clock);
    receiver = await startReceiver(p);
    await payRound(p, s, receiver, 2, 1);
    expect(p.keys.downloads).toBe(1);
    // WeChat publishes a short-lived new certificate; the old one keeps signing.
    const next = s.keys.rotateCertificate({ validForMs: 14 * 3600_000, signing: false });
    offset = 11 * 3600_000;
    await payRound(p, s, receiver, 1, 1);
    expect(p.keys.downloads).toBe(1);
    expect(p.keys.certificateSerials).not.toContain(next.serial);
    // 12 h after the last download the next verification starts a refresh in the background.
    offset = 12 * 3600_000 + 60_000;
    await payRound(p, s, receiver, 1, 1);
    const deadline = Date.now() + 30_000;
    while (!p.keys.certificateSerials.includes(next.serial)) {
      if (Date.now() > deadline) throw new Error("the background refresh never brought the new certificate");
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(p.keys.downloads).toBe(2);
    expect(p.keys.requestSerial).toBe(next.serial);
    expect((await p.keys.encryptionKey()).serial).toBe(next.serial);
    // 15 h after its issue the short-lived certificate has expired: dropped, the old one is newest again.
    offset = 15 * 3600_000;
    expect(p.keys.certificateSerials).toEqual([s.platform.certificateSerial]);
    expect((await p.keys.encryptionKey()).serial).toBe(s.platform.certificateSerial);
    expect(receiver.rejected).toEqual([]);
  });

  it("five forged notifications with unknown serials cost one certificate download, not five", {
    timeout: HEAVY_MS,
  }, async () => {
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "platform_certificate" }],
      allowLoopbackHttpNotify: true,
    });
    const s = sandbox;
    let offset = 0;
    const clock: Clock = () => new Date(Date.now() + offset);
    const p = provider(deployments(s).certificates(), "forged", clock);
    receiver = await startReceiver(p);
    await payRound(p, s, receiver, 1, 1);
    const before = s.control.requestCount();
    for (let i = 0; i < 5; i += 1) {
      await expect(p.parseNotification(forgedNotification(clock().getTime()))).rejects.toBeInstanceOf(
        SignatureError,
      );
    }
    expect(s.control.requestCount() - before).toBe(1);
    // Concurrent ones within the cooldown: none.
    await Promise.all(
      Array.from({ length: 5 }, () =>
        expect(p.parseNotification(forgedNotification(clock().getTime()))).rejects.toBeInstanceOf(
          SignatureError,
        ),
      ),
    );
    expect(s.control.requestCount() - before).toBe(1);
    // After the cooldown (60 s by default) an unknown serial may be a rotation again: one more download.
    offset = 61_000;
    await expect(p.parseNotification(forgedNotification(clock().getTime()))).rejects.toBeInstanceOf(
      SignatureError,
    );
    expect(s.control.requestCount() - before).toBe(2);
  });

  it("public-key mode never calls /v3/certificates, and the sandbox serves it no certificates", {
    timeout: HEAVY_MS,
  }, async () => {
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "public_key" }],
      allowLoopbackHttpNotify: true,
    });
    const s = sandbox;
    const p = provider(deployments(s).publicKeyOnly(), "pk");
    receiver = await startReceiver(p);
    await payRound(p, s, receiver, 4, 2);
    expect(p.keys.downloads).toBe(0);
    const wrong = provider(deployments(s).certificates(), "pk-as-cert");
    await expect(wrong.keys.refresh()).rejects.toMatchObject({ providerCode: "RESOURCE_NOT_EXISTS" });
  });
});
