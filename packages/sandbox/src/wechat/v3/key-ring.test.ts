import { describe, expect, it } from "vitest";
import { ManualClock } from "../../shared/clock.js";
import { createMerchant, createPlatformKeys } from "./credentials.js";
import { WechatKeyRing } from "./key-ring.js";
import { checkSwitchSchedule, ratioAt, WECHAT_SWITCH_RAMP } from "./switch-schedule.js";

const DAY = 24 * 3600_000;

describe("WechatKeyRing", () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const platform = createPlatformKeys(new Date());
  const merchant = createMerchant({ keyMode: "switch" }, platform);
  const ring = new WechatKeyRing(platform, clock, Date.now);

  it("answers by the request's serial in switch mode only", () => {
    ring.setMode(merchant.mchid, "platform_certificate");
    expect(ring.answerSigner(merchant, platform.publicKeyId).serial).toBe(platform.certificateSerial);
    ring.setMode(merchant.mchid, "switch");
    expect(ring.answerSigner(merchant, platform.publicKeyId).serial).toBe(platform.publicKeyId);
    expect(ring.answerSigner(merchant, undefined).serial).toBe(platform.certificateSerial);
    expect(ring.answerSigner(merchant, platform.certificateSerial).serial).toBe(platform.certificateSerial);
    ring.setMode(merchant.mchid, "public_key");
    expect(ring.answerSigner(merchant, undefined).serial).toBe(platform.publicKeyId);
    expect(() => ring.assertHasCertificates(merchant.mchid)).toThrow(/无可用的平台证书/);
  });

  it("walks WeChat's seven-day ramp on the sandbox clock", () => {
    ring.setMode(merchant.mchid, "switch", { seed: 1 });
    const seen: number[] = [];
    for (let day = 0; day < 8; day += 1) {
      seen.push(ring.publicKeyRatio(merchant.mchid));
      clock.advance(DAY);
    }
    expect(seen).toEqual([0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 1]);
    const all = Array.from({ length: 50 }, () => ring.notificationSigner(merchant).signedWith);
    expect(new Set(all)).toEqual(new Set(["public_key"]));
  });

  it("draws notifications at a fixed ratio, reproducibly with a seed", () => {
    const draw = () => {
      ring.setMode(merchant.mchid, "switch", { ratio: 0.5, seed: 42 });
      return Array.from({ length: 400 }, () => ring.notificationSigner(merchant).signedWith);
    };
    const first = draw();
    expect(draw()).toEqual(first);
    const publicKey = first.filter((w) => w === "public_key").length;
    expect(publicKey).toBeGreaterThan(100);
    expect(publicKey).toBeLessThan(300);
  });

  it("rotates: the new certificate signs, the old one stays listed unless retired", () => {
    const first = ring.signingCertificate.serial;
    const published = ring.rotateCertificate({ signing: false });
    expect(ring.signingCertificate.serial).toBe(first);
    const next = ring.rotateCertificate();
    expect(ring.signingCertificate.serial).toBe(next.serial);
    expect(ring.listedCertificates().map((c) => c.serial)).toEqual([first, published.serial, next.serial]);
    const last = ring.rotateCertificate({ retirePrevious: true });
    expect(ring.listedCertificates().map((c) => c.serial)).toEqual([last.serial]);
  });
});

describe("switch schedules", () => {
  it("rejects bad schedules naming the step", () => {
    expect(() => checkSwitchSchedule([])).toThrow(/at least one step/);
    expect(() => checkSwitchSchedule([{ afterMs: 0, ratio: 2 }])).toThrow(/schedule\[0\]\.ratio/);
    expect(() =>
      checkSwitchSchedule([
        { afterMs: 0, ratio: 0.1 },
        { afterMs: 0, ratio: 0.2 },
      ]),
    ).toThrow(/schedule\[1\]\.afterMs/);
    expect(() => checkSwitchSchedule([{ afterMs: 5, ratio: 0.1 }])).toThrow(/first step/);
  });

  it("holds each ratio from its step on", () => {
    expect(ratioAt(WECHAT_SWITCH_RAMP, 0)).toBe(0.001);
    expect(ratioAt(WECHAT_SWITCH_RAMP, DAY - 1)).toBe(0.001);
    expect(ratioAt(WECHAT_SWITCH_RAMP, 6 * DAY)).toBe(1);
  });
});
