import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cny } from "@paybridge/core";
import { uniqueOutTradeNo as uid } from "@paybridge/core/testkit";
import { WECHAT_NOTIFY_SCHEDULE_MS } from "@paybridge/sandbox/wechat";
import { afterEach, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./sandbox-setup.js";

/** A merchant notify endpoint that records every request and answers with `status` (or never). */
async function receiver(status: () => number | "hang") {
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const s = status();
      if (s === "hang") return;
      res.writeHead(s);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    seen,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/notify`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Notification timing and delivery as messy as production (支付结果通知,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791861): the official retry schedule on the sandbox
 * clock, the 5-second answer deadline, duplicates, several senders at once, late and out-of-order
 * deliveries. Every copy is verified and decrypted by the real client.
 */
describe("WeChat notification delivery on the sandbox clock", () => {
  let rig: Rig | undefined;
  let sink: Awaited<ReturnType<typeof receiver>> | undefined;
  afterEach(async () => {
    await rig?.close();
    await sink?.close();
  });

  const order = async (r: Rig, url: string, fen = 100) => {
    const created = await r.provider.createPayment({
      outTradeNo: uid("ND"),
      description: "notify",
      amount: cny(fen),
      method: "native",
      notifyUrl: url,
    });
    return created.outTradeNo;
  };

  it("retries an unanswered notification at 15s/15s/30s/3m/.../6h of sandbox time, then stops", async () => {
    sink = await receiver(() => 500);
    // A speed factor of 1: only the sandbox clock can make a retry due within this test.
    rig = await startRig("public_key", { notify: { compression: 1 } });
    const outTradeNo = await order(rig, sink.url);
    rig.sandbox.control.pay(outTradeNo);
    const sent = await rig.sandbox.control.nextNotification(outTradeNo, "trade");
    await expect.poll(() => sent.deliveries.length, { timeout: 10_000 }).toBe(1);
    // One millisecond short of the first delay: nothing is due.
    rig.sandbox.control.advance(14_999);
    rig.sandbox.control.advance(1);
    await expect.poll(() => sent.deliveries.length, { timeout: 10_000 }).toBe(2);
    for (const [i, delay] of WECHAT_NOTIFY_SCHEDULE_MS.slice(1).entries()) {
      rig.sandbox.control.advance(delay);
      await expect.poll(() => sent.deliveries.length, { timeout: 10_000 }).toBe(i + 3);
    }
    await expect.poll(() => sent.finished, { timeout: 10_000 }).toBe(true);
    const times = sent.deliveries.map((d) => d.sandboxAt.getTime());
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps).toEqual([...WECHAT_NOTIFY_SCHEDULE_MS]);
    expect(sent.delivered).toBe(false);
    rig.sandbox.control.advance(24 * 3_600_000);
    expect(sent.deliveries).toHaveLength(16);
    expect(sink.seen).toHaveLength(16);
  });

  it("counts an answer slower than the deadline as a failure and retries", async () => {
    let calls = 0;
    sink = await receiver(() => (++calls === 1 ? "hang" : 204));
    rig = await startRig("public_key", { notify: { timeoutMs: 300, compression: 1 } });
    const outTradeNo = await order(rig, sink.url);
    rig.sandbox.control.pay(outTradeNo);
    const sent = await rig.sandbox.control.nextNotification(outTradeNo, "trade");
    await expect.poll(() => sent.deliveries[0]?.error, { timeout: 10_000 }).toBe("timeout");
    rig.sandbox.control.advance(15_000);
    await expect.poll(() => sent.delivered, { timeout: 10_000 }).toBe(true);
    expect(sent.deliveries.map((d) => d.status ?? d.error)).toEqual(["timeout", 204]);
  });

  it("sends duplicates from several servers at once; each copy verifies, all are one notification", async () => {
    sink = await receiver(() => 204);
    rig = await startRig("public_key");
    rig.sandbox.control.setDeliveryMode({ duplicates: 1, senders: 3 });
    const outTradeNo = await order(rig, sink.url);
    rig.sandbox.control.pay(outTradeNo);
    const sent = await rig.sandbox.control.nextNotification(outTradeNo, "trade");
    await expect.poll(() => sink?.seen.length, { timeout: 10_000 }).toBe(6);
    expect(new Set(sent.deliveries.map((d) => d.sender))).toEqual(new Set([0, 1, 2]));
    const ids = new Set<string>();
    for (const copy of sink.seen) {
      const headers = Object.fromEntries(Object.entries(copy.headers).map(([k, v]) => [k, String(v)]));
      const event = await rig.provider.parseNotification({ headers, body: copy.body });
      expect(event).toMatchObject({ kind: "trade", trade: { outTradeNo, state: 3 } });
      ids.add((JSON.parse(copy.body) as { id: string }).id);
    }
    expect(ids.size).toBe(1);
  });

  it("delivers late on the sandbox clock, and out of order when held and released newest first", async () => {
    sink = await receiver(() => 204);
    rig = await startRig("public_key", { notify: { compression: 1 }, refundIntervalMs: 0, refundDelayMs: 0 });
    rig.sandbox.control.setDeliveryMode({ lateMs: 60_000 });
    const late = await order(rig, sink.url);
    rig.sandbox.control.pay(late);
    const sent = await rig.sandbox.control.nextNotification(late, "trade");
    expect(sent.deliveries).toHaveLength(0);
    rig.sandbox.control.advance(60_000);
    await expect.poll(() => sent.delivered, { timeout: 10_000 }).toBe(true);

    rig.sandbox.control.setDeliveryMode({ lateMs: 0, hold: true });
    const outTradeNo = await order(rig, sink.url, 300);
    rig.sandbox.control.pay(outTradeNo);
    await rig.provider.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}R`,
      amount: cny(100),
      total: cny(300),
    });
    rig.sandbox.control.advance(1);
    await rig.sandbox.control.nextNotification(outTradeNo, "refund");
    const before = sink.seen.length;
    rig.sandbox.control.setDeliveryMode({ hold: false });
    expect(rig.sandbox.control.releaseNotifications("reverse")).toBe(2);
    await expect.poll(() => sink?.seen.length, { timeout: 10_000 }).toBe(before + 2);
    const kinds = [];
    for (const copy of sink.seen.slice(before)) {
      const headers = Object.fromEntries(Object.entries(copy.headers).map(([k, v]) => [k, String(v)]));
      kinds.push((await rig.provider.parseNotification({ headers, body: copy.body })).kind);
    }
    expect(kinds).toEqual(["refund", "trade"]);
  });
});
