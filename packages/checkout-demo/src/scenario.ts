import { type RefundState, TradeState } from "@paybridge/core";
import type { Channel } from "./channels.js";
import { apiClient, DemoApiError, until } from "./http-client.js";
import type { OrderView } from "./views.js";
import { MERCHANTS, type World } from "./world.js";

export interface ScenarioLog {
  step(text: string): void;
}

// WeChat allows one partial refund per order per minute (v3 refund doc); the sandbox enforces it,
// so the scripted run moves the sandbox clock past it instead of waiting.
const WECHAT_INTERVAL_MS = 61_000;

/**
 * The scripted multi-channel run of the README's demo command: two orders per provider, paid by
 * the simulated buyers, notifications, partial refunds (one retried after an injected
 * SYSTEM_ERROR), an over-refund rejected, an abnormal refund, and more than ten refunds of one
 * order listed through CloudPay's paging. Every step goes through the shop's HTTP API or PayBridge.
 */
export async function runScenario(world: World, origin: string, log: ScenarioLog): Promise<OrderView[]> {
  const api = apiClient(origin, world.consoleToken);
  const order = (no: string) =>
    api<{ orders: OrderView[] }>("GET", "/api/orders").then((r) => r.orders.find((o) => o.outTradeNo === no));
  const refundOf = async (no: string, refundNo: string) =>
    (await order(no))?.refunds.find((r) => r.outRefundNo === refundNo);
  const waitRefund = (no: string, refundNo: string, state: RefundState) =>
    until(`refund ${refundNo} to reach ${state}`, async () => {
      const r = await refundOf(no, refundNo);
      return r?.refund.state === state ? r : undefined;
    });
  const refund = async (no: string, amountYuan: string) => {
    const requested = await api<{ outRefundNo: string }>("POST", `/api/orders/${no}/refunds`, { amountYuan });
    return api<{ outRefundNo: string; attempts: number; refund: { state: number } }>(
      "POST",
      `/api/refunds/${requested.outRefundNo}/approve`,
    );
  };

  const create = async (channel: Channel, amountYuan: string, description: string) => {
    const o = await api<OrderView>("POST", "/api/orders", { channel, amountYuan, description });
    log.step(`created ${o.outTradeNo} via ${channel} -> merchant ${o.merchantId}`);
    return o.outTradeNo;
  };
  const w1 = await create("wechat_native", "100.00", "羽绒服");
  const w2 = await create("wechat_jsapi", "50.00", "保温杯 (in WeChat)");
  const a1 = await create("alipay_qr", "88.00", "运动鞋");
  const a2 = await create("alipay_page", "66.00", "台灯");

  for (const no of [w1, w2, a1, a2]) {
    await api("POST", `/api/orders/${no}/sandbox-pay`);
    await until(`${no} paid`, async () =>
      (await order(no))?.trade.state === TradeState.PAID ? true : undefined,
    );
  }
  log.step("all four orders paid; paid notifications verified and applied (trade state 3)");

  const r1 = await refund(w1, "30.00");
  log.step(`${r1.outRefundNo}: 30.00 submitted (state ${r1.refund.state}), waiting for REFUND.SUCCESS`);
  await waitRefund(w1, r1.outRefundNo, 4);

  world.wechatClock.advance(WECHAT_INTERVAL_MS);
  world.wechat.control.injectFault({ kind: "SYSTEM_ERROR", operation: "refund" });
  const r2 = await refund(w1, "20.00");
  log.step(
    `${r2.outRefundNo}: 20.00 hit an injected SYSTEM_ERROR, retried with the same number: ${r2.attempts} attempts`,
  );
  await waitRefund(w1, r2.outRefundNo, 4);

  world.wechatClock.advance(WECHAT_INTERVAL_MS);
  try {
    await api("POST", `/api/orders/${w1}/refunds`, { amountYuan: "60.00" });
    throw new Error("an over-refund was accepted");
  } catch (e) {
    if (!(e instanceof DemoApiError)) throw e;
    log.step(`over-refund of 60.00 on ${w1} rejected before any call: ${e.code}: ${e.message}`);
  }

  const r3 = await api<{ outRefundNo: string }>("POST", `/api/orders/${w2}/refunds`, { amountYuan: "10.00" });
  world.wechat.control.setRefundOutcome(r3.outRefundNo, "ABNORMAL");
  await api("POST", `/api/refunds/${r3.outRefundNo}/approve`);
  await waitRefund(w2, r3.outRefundNo, 5);
  log.step(
    `${r3.outRefundNo}: WeChat reported ABNORMAL (card frozen): refund state 5, manual handling needed`,
  );

  for (let i = 0; i < 12; i++) {
    world.wechatClock.advance(WECHAT_INTERVAL_MS);
    await refund(w2, "1.00");
  }
  const listed = await world.gateway.forMerchant(MERCHANTS.wechatCloud).listRefunds({ outTradeNo: w2 });
  log.step(
    `${w2}: ${listed.length} refunds listed through CloudPay queryRefund, 10 per page (offsets 0 and 10)`,
  );

  const a1r = await refund(a1, "8.00");
  log.step(`${a1r.outRefundNo}: 8.00 refunded by Alipay synchronously (state ${a1r.refund.state})`);
  await refund(a1, "80.00");
  await refund(a2, "6.00");
  log.step(`${a1}: refunded in full (Alipay TRADE_CLOSED after payment -> 4); ${a2}: partial refund`);

  world.wechatClock.advance(WECHAT_INTERVAL_MS);
  await until("every WeChat refund to settle", async () => {
    const all = await api<{ orders: OrderView[] }>("GET", "/api/orders");
    const open = all.orders.flatMap((o) => o.refunds).filter((r) => r.refund.state === 3);
    return open.length === 0 ? true : undefined;
  });
  // A last query of every order at its provider, as a reconciliation job would run it.
  for (const o of world.orders.all()) {
    world.orders.applyTrade(
      await world.gateway.forMerchant(o.merchantId).queryPayment({ outTradeNo: o.outTradeNo }),
    );
  }
  log.step("queried every order at its provider: raw statuses below are the providers' own");
  const final = await api<{ orders: OrderView[] }>("GET", "/api/orders");
  return final.orders.reverse();
}
