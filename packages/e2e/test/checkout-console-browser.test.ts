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
} from "./support/browser.js";

// The merchant console in Chromium at 390 and 1280 px: behind the start-up token, trade and refund
// states shown whole, a partial refund requested and approved, an over-refund's error that stays
// through live updates until dismissed, and descriptions holding HTML shown as text.
describe.skipIf(!haveChromium)("merchant console in Chromium", () => {
  let shop: Shop;
  let api: (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

  beforeAll(async () => {
    shop = await startShop();
    api = async (method, path, body) => {
      const res = await fetch(`${shop.origin}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${shop.world.consoleToken}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : null,
      });
      return (await res.json()) as Record<string, unknown>;
    };
  }, 60_000);
  afterAll(async () => shop?.close());

  /** A paid order, made and paid through the shop's API as a buyer's payment would arrive. */
  async function paidOrder(channel: string, description: string, amountYuan: string): Promise<string> {
    const o = (await api("POST", "/api/orders", { channel, description, amountYuan })) as {
      outTradeNo: string;
    };
    await api("POST", `/api/orders/${o.outTradeNo}/sandbox-pay`);
    await expect.poll(() => shop.world.orders.get(o.outTradeNo)?.tradeState, { timeout: 20_000 }).toBe(3);
    return o.outTradeNo;
  }

  it("refuses the console API without the token and a wrong token", async () => {
    expect((await fetch(`${shop.origin}/api/orders`)).status).toBe(401);
    expect(
      (await fetch(`${shop.origin}/api/orders`, { headers: { authorization: "Bearer nope" } })).status,
    ).toBe(401);
    expect((await fetch(`${shop.origin}/console?token=nope`, { redirect: "manual" })).status).toBe(403);
  });

  for (const [width, channel] of [
    [1280, "wechat_native"],
    [390, "alipay_qr"],
  ] as const) {
    it(`${width} px: refunds part of a paid order, and an over-refund's error stays until dismissed`, async () => {
      const no = await paidOrder(channel, `<b>XSS</b><img src=x onerror="window.__xss=1"> 连衣裙`, "12.34");
      const context = await newContext(shop, width, width === 390 ? "mobile" : "desktop");
      const page: Page = await context.newPage();
      await page.goto(`${shop.origin}/console?token=${shop.world.consoleToken}`);
      expect(new URL(page.url()).search).toBe("");
      const card = page.locator(`[data-order-row="${no}"]`);
      await card.waitFor();
      expect(await card.locator("[data-description]").textContent()).toBe(
        `<b>XSS</b><img src=x onerror="window.__xss=1"> 连衣裙`,
      );
      expect(await card.locator("[data-description] img, [data-description] b").count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
      await expect.poll(() => card.locator(".badge").first().textContent()).toBe("3 PAID 支付成功");
      expect(await card.locator(".amount-line").textContent()).toBe("¥12.34");

      await card.locator("[data-refund-amount]").fill("2.00");
      await card.locator("[data-refund-form] button").click();
      const refund = card.locator(`[data-refund="${no}R1"]`);
      await expect
        .poll(() => refund.locator(".badge").textContent(), { timeout: 15_000 })
        .toBe("0 PENDING_CONFIRM 待确认");
      await refund.locator('[data-act="approve"]').click();
      // WeChat accepts (3) and settles later (4); Alipay refunds synchronously (4).
      await expect
        .poll(() => refund.locator(".badge").getAttribute("data-state"), { timeout: 20_000 })
        .toMatch(/^[34]$/);
      await expect
        .poll(() => card.locator(".badge").first().textContent(), { timeout: 20_000 })
        .toBe("4 REFUND 转入退款");
      await expect.poll(() => card.locator(".summary .muted").textContent()).toBe("可退 ¥10.34");

      await card.locator("[data-refund-amount]").fill("99.00");
      await card.locator("[data-refund-form] button").click();
      const error = card.locator(".error-box");
      await expect.poll(() => error.textContent(), { timeout: 15_000 }).toContain("最多还能退 ¥10.34");
      await card.locator("[data-refund-amount]").fill("3.5");
      // A live update (another order arrives) does not touch the error, the input or its focus.
      await card.locator("[data-refund-amount]").focus();
      const other = await paidOrder(channel, "另一笔订单", "1.00");
      await page.locator(`[data-order-row="${other}"]`).waitFor();
      expect(await error.count()).toBe(1);
      expect(await card.locator("[data-refund-amount]").inputValue()).toBe("3.5");
      expect(
        await card
          .locator("[data-refund-amount]")
          .evaluate(
            (el) =>
              el ===
              (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
          ),
      ).toBe(true);
      if (width === 390) expect(await layoutWidth(page)).toBeLessThanOrEqual(390);
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, `console-${width}`);
      expect(await seriousViolations(page)).toEqual([]);

      await page.click("#lang");
      expect(await error.textContent()).toContain("at most ¥10.34 can still be refunded");
      await error.locator("[data-dismiss]").click();
      expect(await error.count()).toBe(0);
      await context.close();
    }, 90_000);
  }

  it("rejects a pending refund (6) and releases its amount", async () => {
    const no = await paidOrder("alipay_qr", "退货", "5.00");
    const context = await newContext(shop, 1280, "desktop");
    const page = await context.newPage();
    await page.goto(`${shop.origin}/console?token=${shop.world.consoleToken}`);
    const card = page.locator(`[data-order-row="${no}"]`);
    await card.locator("[data-refund-amount]").fill("5.00");
    await card.locator("[data-refund-form] button").click();
    const refund = card.locator(`[data-refund="${no}R1"]`);
    await refund.locator('[data-act="reject"]').click();
    await expect
      .poll(() => refund.locator(".badge").textContent(), { timeout: 15_000 })
      .toBe("6 CLOSED 退款关闭");
    await expect.poll(() => card.locator(".summary .muted").textContent()).toBe("可退 ¥5.00");
    await context.close();
  }, 60_000);
});
