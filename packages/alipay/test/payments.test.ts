import { cny, InvalidRequestError, NotFoundError, TradeStateError, ValidationError } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlipayHarness, alipayHarness, providerFor } from "./support.js";

describe("alipay payments end to end (alipay-sdk over HTTP against the sandbox)", () => {
  let h: AlipayHarness;
  beforeAll(async () => {
    h = await alipayHarness();
  });
  afterAll(() => h.close());

  const order = (fen: number, extra: Record<string, unknown> = {}) => ({
    outTradeNo: uniqueOutTradeNo("PY"),
    description: "测试商品",
    amount: cny(fen),
    notifyUrl: h.receiver.url,
    ...extra,
  });

  it("native: precreate answers a QR code the buyer opens at the cashier and pays", async () => {
    const input = order(1288, { method: "native" });
    const created = await h.provider.createPayment(input as never);
    expect(created.action.type).toBe("qr_code");
    const qr = created.action.type === "qr_code" ? created.action.content : "";
    const page = await fetch(qr);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("¥12.88");
    const pay = await fetch(`${qr}/pay`, { method: "POST" });
    expect(pay.status).toBe(200);
    const trade = await h.provider.queryPayment({ outTradeNo: input.outTradeNo });
    expect(trade).toMatchObject({
      state: 3,
      rawStatus: "TRADE_SUCCESS",
      amount: cny(1288),
      paidAmount: cny(1288),
    });
    expect(trade.paidAt).toBeInstanceOf(Date);
    expect(Math.abs((trade.paidAt?.getTime() ?? 0) - h.sandbox.now().getTime())).toBeLessThan(5000);
  });

  it("native: the same order again is the same trade; a changed amount is ACQ.CONTEXT_INCONSISTENT", async () => {
    const input = order(500, { method: "native" });
    await h.provider.createPayment(input as never);
    await h.provider.createPayment(input as never);
    const changed = h.provider.createPayment({ ...input, amount: cny(501) } as never);
    await expect(changed).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(changed).rejects.toMatchObject({
      providerCode: "ACQ.CONTEXT_INCONSISTENT",
      retryable: false,
    });
    await h.sandbox.pay(input.outTradeNo);
    await expect(h.provider.createPayment(input as never)).rejects.toMatchObject({
      providerCode: "ACQ.TRADE_HAS_SUCCESS",
      name: "TradeStateError",
    });
  });

  it("mini_program: alipay.trade.create needs payer.buyerId and answers the tradeNO for my.tradePay", async () => {
    const before = h.sandbox.requestCount();
    await expect(
      h.provider.createPayment(
        order(100, { method: "mini_program", payer: { openid: "o-wechat" } }) as never,
      ),
    ).rejects.toThrow(/payer\.buyerId/);
    expect(h.sandbox.requestCount()).toBe(before);
    const input = order(100, { method: "mini_program", payer: { buyerId: "2088102177846875" } });
    const created = await h.provider.createPayment(input as never);
    expect(created.action.type).toBe("client_params");
    const tradeNo = created.action.type === "client_params" ? created.action.params.tradeNO : undefined;
    expect(tradeNo).toMatch(/^\d{28}$/);
    expect(created.providerReference).toBe(tradeNo);
    const byTradeNo = await h.provider.queryPayment({ providerTradeNo: tradeNo ?? "" });
    expect(byTradeNo).toMatchObject({ outTradeNo: input.outTradeNo, state: 0, rawStatus: "WAIT_BUYER_PAY" });
  });

  it("page: a signed link; the trade exists once the buyer opens it; pays and returns to return_url", async () => {
    const input = order(2000, { method: "page", returnUrl: "http://127.0.0.1:9/shop/return" });
    const created = await h.provider.createPayment(input as never);
    expect(created.action.type).toBe("redirect");
    const url = created.action.type === "redirect" ? created.action.url : "";
    expect(url.startsWith(h.sandbox.gatewayUrl)).toBe(true);
    expect(new URL(url).searchParams.get("method")).toBe("alipay.trade.page.pay");
    // Not opened yet: Alipay knows no such trade.
    await expect(h.provider.queryPayment({ outTradeNo: input.outTradeNo })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const page = await fetch(url);
    const html = await page.text();
    expect(html).toContain("¥20.00");
    expect((await h.provider.queryPayment({ outTradeNo: input.outTradeNo })).state).toBe(0);
    const tradeNo = /\/cashier\/(\d+)\/pay/.exec(html)?.[1];
    const paid = await fetch(`${h.sandbox.origin}/cashier/${tradeNo}/pay`, {
      method: "POST",
      redirect: "manual",
    });
    expect(paid.status).toBe(302);
    const back = new URL(paid.headers.get("location") ?? "");
    expect(back.origin + back.pathname).toBe("http://127.0.0.1:9/shop/return");
    expect(back.searchParams.get("out_trade_no")).toBe(input.outTradeNo);
    expect(back.searchParams.get("total_amount")).toBe("20.00");
    expect(back.searchParams.get("sign")).toBeTruthy();
    expect((await h.provider.queryPayment({ outTradeNo: input.outTradeNo })).state).toBe(3);
  });

  it("page: a tampered link is refused by the gateway's signature check", async () => {
    const input = order(2000, { method: "page" });
    const created = await h.provider.createPayment(input as never);
    const url = new URL(created.action.type === "redirect" ? created.action.url : "");
    const biz = url.searchParams.get("biz_content") ?? "";
    url.searchParams.set("biz_content", biz.replace('"20.00"', '"0.01"'));
    const html = await (await fetch(url)).text();
    expect(html).toContain("isv.invalid-signature");
    await expect(h.provider.queryPayment({ outTradeNo: input.outTradeNo })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("h5 (wap) as an auto-submitting form: posting the form opens the cashier", async () => {
    const provider = providerFor(h.sandbox, { pageAction: "html_form" });
    const input = order(990, { method: "h5", payer: { clientIp: "127.0.0.1" } });
    const created = await provider.createPayment(input as never);
    expect(created.action.type).toBe("html_form");
    const html = created.action.type === "html_form" ? created.action.html : "";
    const action = /action="([^"]+)"/.exec(html)?.[1] ?? "";
    const fields = new URLSearchParams();
    for (const m of html.matchAll(/name="([^"]+)" value="([^"]*)"/g)) {
      fields.set(m[1] ?? "", (m[2] ?? "").replaceAll("&quot;", '"'));
    }
    expect(new URL(action).searchParams.get("method")).toBe("alipay.trade.wap.pay");
    const page = await fetch(action, { method: "POST", body: fields });
    expect(await page.text()).toContain("¥9.90");
    expect(h.sandbox.trade(input.outTradeNo)?.productCode).toBe("QUICK_WAP_WAY");
  });

  it("app: the order string opens in the (simulated) Alipay app; a tampered one is refused", async () => {
    const input = order(4500, { method: "app" });
    const created = await h.provider.createPayment(input as never);
    expect(created.action.type).toBe("order_string");
    const orderString = created.action.type === "order_string" ? created.action.value : "";
    await expect(h.sandbox.openAppOrder(orderString.replace("45.00", "0.45"))).rejects.toThrow(
      /isv.invalid-signature/,
    );
    const opened = await h.sandbox.openAppOrder(orderString);
    expect(opened.out_trade_no).toBe(input.outTradeNo);
    await h.sandbox.pay(input.outTradeNo);
    expect((await h.provider.queryPayment({ outTradeNo: input.outTradeNo })).state).toBe(3);
  });

  it("refuses jsapi (WeChat's method) and amounts that are not whole fen, before any call", async () => {
    const before = h.sandbox.requestCount();
    await expect(
      h.provider.createPayment(order(100, { method: "jsapi", payer: { openid: "o1" } }) as never),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      h.provider.createPayment(order(100, { method: "jsapi", payer: { openid: "o1" } }) as never),
    ).rejects.toThrow(/payment\.method/);
    await expect(
      h.provider.createPayment({
        ...order(100, { method: "native" }),
        amount: { fen: 0.5, currency: "CNY" },
      } as never),
    ).rejects.toThrow(/amount\.fen/);
    expect(h.sandbox.requestCount()).toBe(before);
  });

  it("an unpaid trade closes itself at time_expire (TRADE_CLOSED -> 1) and Alipay notifies it", async () => {
    const input = order(300, {
      method: "native",
      expiresAt: new Date(h.sandbox.now().getTime() + 30 * 60_000),
    });
    await h.provider.createPayment(input as never);
    h.sandbox.scan(input.outTradeNo);
    await h.sandbox.advanceClock(29 * 60_000);
    expect((await h.provider.queryPayment({ outTradeNo: input.outTradeNo })).state).toBe(0);
    await h.sandbox.advanceClock(2 * 60_000);
    const closed = await h.provider.queryPayment({ outTradeNo: input.outTradeNo });
    expect(closed).toMatchObject({ state: 1, rawStatus: "TRADE_CLOSED" });
    const note = h.sandbox.notifications().find((n) => n.outTradeNo === input.outTradeNo);
    expect(note?.tradeStatus).toBe("TRADE_CLOSED");
    const event = await h.provider.parseNotification({
      headers: note?.headers ?? {},
      body: note?.body ?? "",
    });
    expect(event.kind === "trade" && event.trade.state).toBe(1);
    await expect(h.provider.createPayment(input as never)).rejects.toBeInstanceOf(TradeStateError);
  });

  it("a failed buyer attempt leaves the trade payable (Alipay has no failed state)", async () => {
    const input = order(100, { method: "native" });
    await h.provider.createPayment(input as never);
    h.sandbox.fail(input.outTradeNo);
    expect((await h.provider.queryPayment({ outTradeNo: input.outTradeNo })).state).toBe(0);
    await h.sandbox.pay(input.outTradeNo);
    expect((await h.provider.queryPayment({ outTradeNo: input.outTradeNo })).state).toBe(3);
  });
});
