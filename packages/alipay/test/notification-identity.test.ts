import { cny, SignatureError, ValidationError } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlipayProvider } from "../src/index.js";
import { context, providerFor } from "./support.js";

/*
 * Genuinely signed notifications that are about someone else. Two sandboxes share Alipay's key
 * and the app, as two sellers served by one app do: every signature verifies, so only the
 * seller_id / app_id checks (https://opendocs.alipay.com/open/203/105286) can tell them apart.
 */
describe("alipay notifications are checked to be this merchant's", () => {
  let ours: AlipaySandbox;
  let otherSeller: AlipaySandbox;
  let otherApp: AlipaySandbox;
  const OTHER_SELLER = "2088000000000002";

  beforeAll(async () => {
    ours = await startAlipaySandbox();
    const shared = { alipayKeys: ours.alipayKeys, appKeys: ours.appKeys };
    otherSeller = await startAlipaySandbox({ ...shared, appId: ours.appId, sellerId: OTHER_SELLER });
    otherApp = await startAlipaySandbox({ ...shared, appId: "2021000000000099", sellerId: ours.sellerId });
  });
  afterAll(async () => {
    await Promise.all([ours?.close(), otherSeller?.close(), otherApp?.close()]);
  });

  async function paidNotification(sandbox: AlipaySandbox) {
    const outTradeNo = uniqueOutTradeNo("ID");
    await providerFor(sandbox).createPayment({
      outTradeNo,
      description: "identity",
      amount: cny(100),
      method: "native",
      notifyUrl: "http://127.0.0.1:9/unreachable",
    });
    await sandbox.pay(outTradeNo);
    await sandbox.settled();
    const note = sandbox.notifications().find((n) => n.outTradeNo === outTradeNo);
    if (!note) throw new Error("no notification");
    return { headers: { ...note.headers }, body: note.body };
  }

  it("accepts its own seller's notification", async () => {
    const event = await providerFor(ours).parseNotification(await paidNotification(ours));
    expect(event.kind === "trade" && event.trade.state).toBe(3);
  });

  it("refuses a validly signed notification for another seller of the same app", async () => {
    const raw = await paidNotification(otherSeller);
    expect(new URLSearchParams(raw.body).get("seller_id")).toBe(OTHER_SELLER);
    const parsed = providerFor(ours).parseNotification(raw);
    await expect(parsed).rejects.toBeInstanceOf(SignatureError);
    await expect(providerFor(ours).parseNotification(raw)).rejects.toThrow(
      `alipay notification is for seller ${OTHER_SELLER}, not ${ours.sellerId}`,
    );
  });

  it("accepts every seller the merchant lists", async () => {
    const provider = providerFor(ours, { sellerId: [ours.sellerId, OTHER_SELLER] });
    const event = await provider.parseNotification(await paidNotification(otherSeller));
    expect(event.kind).toBe("trade");
  });

  it("refuses a validly signed notification for another app", async () => {
    const raw = await paidNotification(otherApp);
    await expect(providerFor(ours).parseNotification(raw)).rejects.toThrow(
      /alipay notification is for app 2021000000000099, not/,
    );
  });

  it("refuses a signed notification without seller_id", async () => {
    // Re-signed by Alipay's key without seller_id: what a gateway change or a forgery with the key would send.
    const raw = await paidNotification(ours);
    const fields = new URLSearchParams(raw.body);
    fields.delete("seller_id");
    fields.delete("sign");
    const { createSign } = await import("node:crypto");
    const content = [...fields.entries()]
      .filter(([k, v]) => k !== "sign_type" && v !== "")
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    fields.set("sign", createSign("RSA-SHA256").update(content).sign(ours.alipayKeys.privateKey, "base64"));
    const resigned = { headers: raw.headers, body: fields.toString() };
    await expect(providerFor(ours).parseNotification(resigned)).rejects.toThrow(
      "alipay notification is for seller (none)",
    );
  });

  it("requires sellerId in the config, naming the field and the rule", () => {
    const { sellerId: _omitted, ...withoutSeller } = ours.merchantConfig();
    for (const [config, rule] of [
      [withoutSeller, "config.sellerId: must be the seller's Alipay user id"],
      [{ ...withoutSeller, sellerId: "1234" }, "config.sellerId: must be the seller's Alipay user id"],
      [{ ...withoutSeller, sellerId: [] }, "config.sellerId: must"],
    ] as const) {
      let error: unknown;
      try {
        new AlipayProvider(config as never, context());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("config.sellerId");
      expect((error as Error).message).toContain(rule);
    }
  });
});
