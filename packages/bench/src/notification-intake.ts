import { createDecipheriv, createPublicKey, createVerify } from "node:crypto";
import { type BenchClock, WALL_CLOCK } from "./clock.js";
import { minorGc } from "./minor-gc.js";
import { createCarefulHandler } from "./notification-careful.js";
import { buildNotificationPayloads, type FloorInput } from "./notification-payloads.js";
import { type RatioResult, runRatio } from "./ratio.js";
import type { BenchScale } from "./scale.js";
import { startWechatBenchRig } from "./wechat-rig.js";

/**
 * The crypto floor: what no notification handler can skip. RSA-SHA256 verify of
 * "timestamp\nnonce\nbody\n" with a public KeyObject imported once, and AEAD_AES_256_GCM decryption
 * of the resource with the APIv3 key (https://pay.weixin.qq.com/doc/v3/merchant/4012071382), both
 * with node:crypto only. The header values and resource fields were taken out of the payload before
 * timing, so not even a JSON.parse is charged to the floor.
 */
export function createCryptoFloor(
  wechatpayPublicKey: string,
  apiV3Key: string,
): (input: FloorInput) => string {
  const key = createPublicKey(wechatpayPublicKey);
  const aesKey = Buffer.from(apiV3Key, "utf8");
  return (input) => {
    if (!createVerify("RSA-SHA256").update(input.message).verify(key, input.signature, "base64")) {
      throw new Error("floor: signature does not verify");
    }
    const data = Buffer.from(input.ciphertext, "base64");
    const decipher = createDecipheriv("aes-256-gcm", aesKey, Buffer.from(input.nonce, "utf8"));
    decipher.setAAD(Buffer.from(input.associatedData, "utf8"));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
      "utf8",
    );
  };
}

/** Intake against both baselines: the careful hand-written handler (the target) and the crypto floor. */
export interface IntakeResults {
  /** PayBridge / careful handler (target >= 0.95x throughput). */
  readonly careful: RatioResult;
  /** PayBridge / crypto floor (information: what no handler can skip). */
  readonly floor: RatioResult;
  /**
   * A/A check of the measurement: the careful handler against a second instance of itself, timed
   * exactly as the other two. A fair interleaving gives ~1.00x with a narrow per-round spread.
   */
  readonly sanity: RatioResult;
}

/**
 * Notification intake: PayBridge's parseNotification through the gateway's provider (validate
 * input, verify, decrypt, map to a unified event) against two baselines on the same signed
 * payloads, each interleaved: the careful hand-written handler (notification-careful.ts) and the
 * crypto floor. The headline is the throughput ratio PayBridge / careful handler.
 */
export async function benchNotificationIntake(
  scale: BenchScale,
  clock: BenchClock = WALL_CLOCK,
): Promise<IntakeResults> {
  const rig = await startWechatBenchRig();
  try {
    const payloads = buildNotificationPayloads(rig, scale.notificationPool);
    const floor = createCryptoFloor(rig.merchant.wechatpayPublicKey, rig.merchant.apiV3Key);
    const careful = createCarefulHandler(rig.merchant);
    const at = (i: number) => payloads[i % payloads.length] as (typeof payloads)[number];
    let kinds = 0;
    let carefulKinds = 0;
    const candidate = async (i: number) => {
      const event = await rig.provider.parseNotification(at(i).raw);
      if (event.kind === "refund") kinds += 1;
    };
    const common = {
      rounds: scale.intakeRounds,
      opsPerRound: scale.intakeOpsPerRound,
      // Four rounds' worth per side: the optimizing compiler runs on a helper thread whose CPU time
      // lands in whatever slice is running, and PayBridge's longer path was still being compiled
      // after 200 (and after 1,000): its first 2-4 rounds read 0.62-0.88x, then steady at ~0.96x.
      warmup: scale.intakeOpsPerRound * 4,
      // 100 notifications (~5 ms) a slice: the collection that ends each one has a fixed part
      // (~0.1 ms CPU, roots and the old generation's remembered set) that both sides pay and that
      // would pull the ratio toward 1.00 if slices were short.
      slices: 10,
      clock: clock.now,
      // A scavenge costs several ms and comes every ~1,500 notifications: left to itself it lands
      // on one side of a round and swung rounds between ~0.85x and ~1.07x. Each slice collects its
      // own garbage instead, timed.
      collect: minorGc(),
      candidate,
    };
    const carefulResult = await runRatio({
      ...common,
      name: "WeChat notification intake: PayBridge / careful hand-written handler",
      baseline: async (i) => {
        const { headers, body } = at(i).raw;
        if (careful(headers, body).kind === "refund") carefulKinds += 1;
      },
    });
    const floorResult = await runRatio({
      ...common,
      name: "WeChat notification intake: PayBridge / node:crypto floor",
      baseline: async (i) => floor(at(i).floor),
    });
    const twin = createCarefulHandler(rig.merchant);
    let twinKinds = 0;
    const sanityResult = await runRatio({
      ...common,
      name: "WeChat notification intake A/A: careful handler / careful handler",
      candidate: async (i) => {
        const { headers, body } = at(i).raw;
        if (twin(headers, body).kind === "refund") twinKinds += 1;
      },
      baseline: async (i) => {
        const { headers, body } = at(i).raw;
        if (careful(headers, body).kind === "refund") carefulKinds += 1;
      },
    });
    if (kinds === 0 || carefulKinds === 0 || twinKinds === 0)
      throw new Error("no refund notification was mapped");
    return { careful: carefulResult, floor: floorResult, sanity: sanityResult };
  } finally {
    await rig.close();
  }
}
