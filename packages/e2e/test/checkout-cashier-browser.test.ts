import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  haveChromium,
  layoutWidth,
  newContext,
  type Page,
  type Shop,
  screenshot,
  seriousViolations,
  startShop,
  USER_AGENTS,
} from "./support/browser.js";

// The buyer's side of the demo in Chromium: the shop page, the cashier (收银台) chosen by the
// buyer's client, the countdown, and the paid / failed / closed result pages, at 390 and 1280 px.
describe.skipIf(!haveChromium)("buyer cashier in Chromium", () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await startShop();
  }, 60_000);
  afterAll(async () => shop?.close());

  /** The buyer orders on the shop page and lands on the cashier; returns the checkout id. */
  async function order(page: Page, description: string, amountYuan: string): Promise<string> {
    await page.goto(shop.origin);
    await page.fill("#description", description);
    await page.fill("#amount", amountYuan);
    await page.click("#checkout");
    await page.waitForURL(/\/pay\/PB\d+$/);
    await page.locator("[data-option]").first().waitFor();
    return page.url().split("/").pop() ?? "";
  }

  const result = (page: Page) => page.locator("#result").getAttribute("data-status");

  const cases = [
    { width: 1280, client: "desktop", channels: ["wechat_native", "alipay_qr"], kind: "qr" },
    { width: 390, client: "mobile", channels: ["wechat_h5", "alipay_wap"], kind: "row" },
    { width: 390, client: "wechat", channels: ["wechat_jsapi"], kind: "row" },
    { width: 390, client: "alipay", channels: ["alipay_wap_in_app"], kind: "row" },
  ] as const;

  for (const c of cases) {
    for (const channel of c.channels) {
      it(`${c.client} at ${c.width} px: offers ${c.channels.join(" + ")} and the buyer pays with ${channel}`, async () => {
        const context = await newContext(shop, c.width, c.client);
        const page = await context.newPage();
        const id = await order(page, "两件T恤", "12.34");
        const options = page.locator("[data-option]");
        const offered: (string | null)[] = [];
        for (let i = 0; i < (await options.count()); i++)
          offered.push(await options.nth(i).getAttribute("data-option"));
        expect(offered).toEqual([...c.channels]);
        // Amount first: the first thing on the cashier is what the buyer pays.
        expect(await page.locator("#amount").textContent()).toBe("¥12.34");
        expect(await page.locator(".countdown").textContent()).toMatch(/剩余支付时间 1[45]:\d\d/);
        if (c.kind === "qr") {
          expect(await page.locator(".qr img").count()).toBe(2);
          await expect
            .poll(() =>
              page
                .locator(".qr img")
                .first()
                .evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth),
            )
            .toBeGreaterThan(0);
        }
        if (c.width === 390) expect(await layoutWidth(page)).toBeLessThanOrEqual(390);
        if (channel === c.channels[0]) {
          await screenshot(page, `cashier-${c.client}-${c.width}`);
          expect(await seriousViolations(page)).toEqual([]);
        }

        await page.click(`[data-pay="${channel}"]`);
        // Paid comes from the provider's verified notification to the shop; the page polls the shop.
        await expect.poll(() => result(page), { timeout: 20_000 }).toBe("paid");
        expect(await page.locator("#result h2").textContent()).toBe("支付成功");
        expect(await page.locator("#result").textContent()).toContain("¥12.34");
        // The QR codes and pay buttons are gone once paid.
        expect(await page.locator("[data-option]").count()).toBe(0);
        const checkout = shop.world.checkouts.get(id);
        const paidNo = checkout?.payments[channel] ?? "";
        expect(shop.world.orders.get(paidNo)?.tradeState).toBe(3);
        // The other wallet's payment is closed, so it cannot take the money a second time.
        for (const [other, no] of Object.entries(checkout?.payments ?? {})) {
          if (other !== channel) await expect.poll(() => shop.world.orders.get(no)?.tradeState).toBe(1);
        }
        if (channel === c.channels[0]) {
          await screenshot(page, `paid-${c.client}-${c.width}`);
          expect(await seriousViolations(page)).toEqual([]);
        }
        await context.close();
      }, 60_000);
    }
  }

  for (const width of [390, 1280] as const) {
    const client = width === 390 ? "mobile" : "desktop";
    const wechat = width === 390 ? "wechat_h5" : "wechat_native";

    it(`${width} px: a failed WeChat payment shows the failed page`, async () => {
      const context = await newContext(shop, width, client);
      const page = await context.newPage();
      await order(page, "运动鞋", "299.00");
      await page.click(`[data-fail="${wechat}"]`);
      await expect.poll(() => result(page), { timeout: 20_000 }).toBe("failed");
      expect(await page.locator("#result h2").textContent()).toBe("支付失败");
      await screenshot(page, `failed-${width}`);
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    }, 60_000);

    it(`${width} px: a cancelled order shows the closed page, in English too`, async () => {
      const context = await newContext(shop, width, client);
      const page = await context.newPage();
      const id = await order(page, "保温杯", "59.90");
      await page.click("#cancel");
      await expect.poll(() => result(page), { timeout: 20_000 }).toBe("closed");
      expect(await page.locator("#result h2").textContent()).toBe("订单已关闭");
      for (const no of Object.values(shop.world.checkouts.get(id)?.payments ?? {})) {
        expect(shop.world.orders.get(no)?.tradeState).toBe(1);
      }
      await screenshot(page, `closed-${width}`);
      await page.click("#lang");
      expect(await page.locator("#result h2").textContent()).toBe("Order closed");
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      await context.close();
    }, 60_000);

    it(`${width} px: the shop page and an English cashier pass axe and fit the screen`, async () => {
      const context = await newContext(shop, width, client);
      const page = await context.newPage();
      await page.goto(shop.origin);
      await screenshot(page, `shop-${width}`);
      expect(await seriousViolations(page)).toEqual([]);
      await order(page, "Notebook", "8.80");
      await page.click("#lang");
      expect(await page.locator(".countdown").textContent()).toMatch(/Time left to pay \d\d:\d\d/);
      expect(await page.locator("[data-option] [data-i18n]").first().textContent()).toMatch(/WeChat Pay/);
      if (width === 390) expect(await layoutWidth(page)).toBeLessThanOrEqual(390);
      await screenshot(page, `cashier-en-${width}`);
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    }, 60_000);
  }

  it("shows an order description holding HTML as text: no script runs", async () => {
    const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
    const context = await newContext(shop, 390, "mobile");
    const page = await context.newPage();
    await order(page, payload, "1.00");
    expect(await page.locator("#order-description").textContent()).toBe(payload);
    expect(await page.locator("#order-description img, #order-description script").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await context.close();
  }, 60_000);

  it("sends a Content-Security-Policy and builds notify URLs from configuration, not the Host header", async () => {
    const res = await fetch(shop.origin, { headers: { "user-agent": USER_AGENTS.desktop } });
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    // A forged Host header must not become the notify URL the provider calls back.
    const created = await fetch(`${shop.origin}/api/checkout`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        host: "evil.example",
        "user-agent": USER_AGENTS.desktop,
      },
      body: JSON.stringify({ description: "host check", amountYuan: "1.00" }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const checkout = shop.world.checkouts.get(created.id);
    const wechatNo = checkout?.payments.wechat_native ?? "";
    const order = shop.world.wechat.engine.getOrder(shop.world.wechat.merchant().mchid, {
      outTradeNo: wechatNo,
    });
    expect(order.notifyUrl).toBe(`${shop.origin}/notify/wx-main`);
  });
});
