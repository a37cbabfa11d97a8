import { cny } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type AlipayHarness, alipayHarness } from "./support.js";

/**
 * Alipay resends a notification until the merchant answers "success" and asks merchants to handle
 * repeats idempotently (异步通知说明, https://opendocs.alipay.com/open/203/105286). The simulator
 * can deliver as messily as production: duplicates, several senders at once, late and out of order.
 * Every copy is verified by the real client.
 */
describe("Alipay notification delivery modes", () => {
  let h: AlipayHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const paidOrder = async (harness: AlipayHarness, fen = 500) => {
    const outTradeNo = uniqueOutTradeNo("AD");
    await harness.provider.createPayment({
      outTradeNo,
      description: "投递测试",
      amount: cny(fen),
      method: "native",
      notifyUrl: harness.receiver.url,
    });
    await harness.sandbox.scan(outTradeNo);
    await harness.sandbox.pay(outTradeNo);
    return outTradeNo;
  };
  const attemptsFor = (harness: AlipayHarness, outTradeNo: string) =>
    harness.sandbox.notifications().filter((n) => n.outTradeNo === outTradeNo);
  const parse = (harness: AlipayHarness, n: { headers: Readonly<Record<string, string>>; body: string }) =>
    harness.provider.parseNotification({ headers: { ...n.headers }, body: n.body });

  it("duplicates and parallel senders: every copy is the same signed notification", async () => {
    h = await alipayHarness({ notify: { duplicates: 1, senders: 3 } });
    const outTradeNo = await paidOrder(h);
    const copies = attemptsFor(h, outTradeNo);
    // One attempt, sent twice (a duplicate) by three servers each time.
    expect(copies).toHaveLength(6);
    expect(new Set(copies.map((c) => c.sender))).toEqual(new Set([0, 1, 2]));
    expect(new Set(copies.map((c) => c.notifyId)).size).toBe(1);
    expect(copies.every((c) => c.attempt === 1 && c.acknowledged)).toBe(true);
    expect(h.receiver.bodies.filter((b) => b.includes(outTradeNo))).toHaveLength(6);
    for (const copy of copies) {
      const event = await parse(h, copy);
      expect(event.kind === "trade" && event.trade).toMatchObject({ outTradeNo, state: 3 });
    }
  });

  it("late: the first attempt waits lateMs of sandbox time", async () => {
    h = await alipayHarness({ notify: { lateMs: 90_000 } });
    const outTradeNo = await paidOrder(h);
    expect(attemptsFor(h, outTradeNo)).toHaveLength(0);
    // The sandbox clock also moves with real time, so stop well short of the delay.
    await h.sandbox.advanceClock(60_000);
    expect(attemptsFor(h, outTradeNo)).toHaveLength(0);
    await h.sandbox.advanceClock(30_000);
    const [first] = attemptsFor(h, outTradeNo);
    expect(first?.acknowledged).toBe(true);
    expect(first && (await parse(h, first)).kind).toBe("trade");
  });

  it("held and released newest first: the refund's notification arrives before the payment's", async () => {
    h = await alipayHarness();
    h.sandbox.setDeliveryMode({ hold: true });
    const outTradeNo = await paidOrder(h, 800);
    const refund = await h.provider.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}R1`,
      amount: cny(300),
      total: cny(800),
    });
    expect(refund.state).toBe(4);
    expect(attemptsFor(h, outTradeNo)).toHaveLength(0);
    h.sandbox.setDeliveryMode({ hold: false });
    expect(await h.sandbox.releaseNotifications("reverse")).toBe(2);
    const arrived = attemptsFor(h, outTradeNo);
    expect(arrived.map((n) => n.kind)).toEqual(["refund", "trade"]);
    const order = h.receiver.bodies
      .filter((b) => b.includes(outTradeNo))
      .map((b) => (new URLSearchParams(b).get("out_biz_no") ? "refund" : "trade"));
    expect(order).toEqual(["refund", "trade"]);
    for (const n of arrived) await expect(parse(h, n)).resolves.toMatchObject({ provider: "alipay" });
  });

  it("the control API sets the mode over HTTP, and refuses a value out of range naming the field", async () => {
    h = await alipayHarness();
    const post = (path: string, body: unknown) =>
      fetch(`${h?.sandbox.origin}/__sandbox/${path}`, { method: "POST", body: JSON.stringify(body) });
    const bad = await post("delivery-mode", { senders: 0 });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/senders: 0 is not an integer >= 1/);
    const ok = await post("delivery-mode", { duplicates: 2 });
    expect(ok.status).toBe(200);
    const outTradeNo = await paidOrder(h);
    expect(attemptsFor(h, outTradeNo)).toHaveLength(3);
    const released = await post("release-notifications", {});
    expect(await released.json()).toEqual({ released: 0 });
  });
});
