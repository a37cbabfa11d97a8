import { cny } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { ManualClock } from "@paybridge/sandbox";
import { NOTIFY_RETRY_DELAYS_MS } from "@paybridge/sandbox/alipay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlipayHarness, alipayHarness } from "./support.js";

describe("alipay asynchronous notifications", () => {
  let h: AlipayHarness;
  beforeAll(async () => {
    // Time moves only when a test moves it: with a clock that also follows the wall, each attempt's
    // recorded time would carry the milliseconds its signing and delivery took, which vary with load.
    h = await alipayHarness({ clock: new ManualClock(new Date()) });
  });
  afterAll(() => h.close());

  const create = async (notifyUrl = h.receiver.url, fen = 880) => {
    const outTradeNo = uniqueOutTradeNo("NF");
    await h.provider.createPayment({
      outTradeNo,
      description: "通知测试",
      amount: cny(fen),
      method: "native",
      notifyUrl,
      attach: "shop=1&x=y",
    });
    return outTradeNo;
  };
  const attemptsFor = (outTradeNo: string) =>
    h.sandbox.notifications().filter((n) => n.outTradeNo === outTradeNo);

  it("the paid notification is a signed form POST that maps to a paid trade", async () => {
    const outTradeNo = await create();
    await h.sandbox.pay(outTradeNo);
    const [note] = attemptsFor(outTradeNo);
    expect(note?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(h.receiver.bodies).toContain(note?.body);
    const fields = new URLSearchParams(note?.body);
    expect(fields.get("sign_type")).toBe("RSA2");
    expect(fields.get("passback_params")).toBe(encodeURIComponent("shop=1&x=y"));
    const event = await h.provider.parseNotification({
      headers: note?.headers ?? {},
      body: note?.body ?? "",
    });
    expect(event).toMatchObject({
      id: fields.get("notify_id"),
      eventType: "TRADE_SUCCESS",
      kind: "trade",
      provider: "alipay",
    });
    expect(event.kind === "trade" && event.trade).toMatchObject({
      outTradeNo,
      state: 3,
      amount: cny(880),
      paidAmount: cny(880),
    });
    expect(h.provider.acknowledge(true)).toMatchObject({ status: 200, body: "success" });
    expect(h.provider.acknowledge(false).body).not.toBe("success");
  });

  it("is resent on Alipay's schedule until the merchant answers success, then stops", async () => {
    h.receiver.answer = "fail";
    const outTradeNo = await create();
    await h.sandbox.pay(outTradeNo);
    expect(attemptsFor(outTradeNo).map((n) => n.acknowledged)).toEqual([false]);
    await h.sandbox.advanceClock(NOTIFY_RETRY_DELAYS_MS[0] ?? 0);
    expect(attemptsFor(outTradeNo)).toHaveLength(2);
    h.receiver.answer = "success";
    await h.sandbox.advanceClock(NOTIFY_RETRY_DELAYS_MS[1] ?? 0);
    await h.sandbox.advanceClock(2 * 24 * 3600 * 1000);
    const attempts = attemptsFor(outTradeNo);
    expect(attempts.map((n) => [n.attempt, n.acknowledged])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    // One notification, resent: the same notify_id every time (the merchant's dedup key).
    expect(new Set(attempts.map((n) => n.notifyId)).size).toBe(1);
  });

  it("gives up after 8 attempts within 25 hours when never acknowledged", async () => {
    h.receiver.answer = "not ok";
    const outTradeNo = await create();
    await h.sandbox.pay(outTradeNo);
    await h.sandbox.advanceClock(26 * 3600 * 1000);
    await h.sandbox.advanceClock(7 * 24 * 3600 * 1000);
    const attempts = attemptsFor(outTradeNo);
    expect(attempts).toHaveLength(8);
    const last = attempts.at(-1)?.at.getTime() ?? 0;
    const first = attempts[0]?.at.getTime() ?? 0;
    expect(last - first).toBe(NOTIFY_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0));
    h.receiver.answer = "success";
  });

  it("never contacts a non-loopback notify_url; the attempt is recorded as undelivered", async () => {
    const outTradeNo = await create("https://merchant.invalid/alipay/notify");
    await h.sandbox.pay(outTradeNo);
    const [note] = attemptsFor(outTradeNo);
    expect(note?.responseStatus).toBeUndefined();
    expect(note?.error).toMatch(/not a loopback address/);
  });
});
