import { cny, SignatureError, silentLogger, systemClock } from "@paybridge/core";
import { uniqueOutTradeNo as uid } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WechatPayProvider } from "../src/index.js";
import { configFor, type Rig, startRig } from "./sandbox-setup.js";

/*
 * Genuine notifications (signed by WeChat's key, encrypted with the APIv3 key) routed to a
 * merchant they are not about. A provider configured with the same keys but another mchid or
 * appid stands for a merchant group sharing one APIv3 key: it can verify and decrypt, so only the
 * decrypted resource's mchid / appid can tell.
 */
describe("wechatpay v3 notifications are checked against the merchant they were routed to", () => {
  let rig: Rig;
  const other = (extra: { mchid?: string; appid?: string }) =>
    new WechatPayProvider(configFor(rig.merchant, rig.sandbox.origin, extra), {
      merchantId: "wx-other",
      clock: systemClock,
      logger: silentLogger,
    });

  beforeAll(async () => {
    rig = await startRig("public_key");
  });
  afterAll(() => rig.close());

  async function paid(fen: number) {
    const { outTradeNo } = await rig.provider.createPayment({
      outTradeNo: uid("IDW"),
      description: "identity",
      amount: cny(fen),
      method: "native",
      notifyUrl: rig.notifyUrl,
    });
    rig.sandbox.control.pay(outTradeNo);
    const n = await rig.sandbox.control.nextNotification(outTradeNo, "trade");
    return { outTradeNo, raw: { headers: { ...n.headers }, body: n.body } };
  }

  it("accepts a payment notification naming its own mchid and appid", async () => {
    const { raw } = await paid(100);
    expect((await rig.provider.parseNotification(raw)).kind).toBe("trade");
  });

  it("refuses a payment notification for another mchid or another appid", async () => {
    const { raw } = await paid(100);
    const wrongMchid = other({ mchid: "1900000999" }).parseNotification(raw);
    await expect(wrongMchid).rejects.toBeInstanceOf(SignatureError);
    await expect(other({ mchid: "1900000999" }).parseNotification(raw)).rejects.toThrow(
      `wechatpay payment notification is for mchid ${rig.merchant.mchid}, not 1900000999`,
    );
    await expect(other({ appid: "wxotherapp00000001" }).parseNotification(raw)).rejects.toThrow(
      /wechatpay payment notification is for appid \S+, not wxotherapp00000001/,
    );
  });

  it("refuses a refund notification for another mchid", async () => {
    const { outTradeNo } = await paid(300);
    await rig.provider.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}R`,
      amount: cny(300),
      total: cny(300),
    });
    rig.sandbox.control.advance(10_000);
    const n = await rig.sandbox.control.nextNotification(outTradeNo, "refund");
    const raw = { headers: { ...n.headers }, body: n.body };
    expect((await rig.provider.parseNotification(raw)).kind).toBe("refund");
    await expect(other({ mchid: "1900000999" }).parseNotification(raw)).rejects.toThrow(
      `wechatpay refund notification is for mchid ${rig.merchant.mchid}, not 1900000999`,
    );
  });
});
