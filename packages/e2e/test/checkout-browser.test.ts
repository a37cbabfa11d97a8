import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { buildApp, startWorld, type World } from "@paybridge/checkout-demo";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Debian's chromium, installed by .ci/run with apt; Playwright never downloads a browser here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.log(`skipped suite "checkout page in Chromium": no browser at ${CHROMIUM} (.ci/run installs it)`);
const screenshotDir = fileURLToPath(new URL("../.artifacts/", import.meta.url));

describe.skipIf(!haveChromium)("checkout page in Chromium", () => {
  let world: World;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    const probe = (await import("node:net")).createServer();
    const port = await new Promise<number>((r) =>
      probe.listen(0, "127.0.0.1", () => r((probe.address() as AddressInfo).port)),
    );
    await new Promise((r) => probe.close(r));
    origin = `http://127.0.0.1:${port}`;
    world = await startWorld({ notifyOrigin: origin });
    app = await buildApp(world);
    await app.listen({ host: "127.0.0.1", port });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(origin);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await world?.close();
  });

  /** Creates an order through the form and returns its row. */
  async function createOrder(channel: string, amount: string) {
    const before = await page.locator("tr[data-order-row]").count();
    await page.selectOption("#channel", channel);
    await page.fill("#amount", amount);
    await page.click("#create");
    await expect.poll(() => page.locator("tr[data-order-row]").count()).toBe(before + 1);
    // Newest order first.
    const row = page.locator("tr[data-order-row]").first();
    return { row, outTradeNo: (await row.getAttribute("data-order-row")) ?? "" };
  }

  const tradeState = (outTradeNo: string) =>
    page.locator(`tr[data-order-row="${outTradeNo}"] td:nth-child(4) .state`).getAttribute("data-state");

  for (const [channel, provider] of [
    ["wechat_native", "wechatpay"],
    ["alipay_qr", "alipay"],
  ] as const) {
    it(`pays a ${provider} order as the buyer and refunds part of it`, async () => {
      const { row, outTradeNo } = await createOrder(channel, "12.34");
      await expect.poll(() => row.locator("td:nth-child(2)").textContent()).toContain(provider);
      expect(await row.locator("img[alt='QR code']").count()).toBe(1);
      expect(await tradeState(outTradeNo)).toBe("0");

      await page.click(`tr[data-order-row="${outTradeNo}"] button[data-act="pay"]`);
      // The state comes from the provider's verified notification, shown by the page's refresh.
      await expect.poll(() => tradeState(outTradeNo), { timeout: 15_000 }).toBe("3");

      await page.fill(`[data-refund-amount="${outTradeNo}"]`, "2.00");
      await page.click(`tr[data-order-row="${outTradeNo}"] button[data-act="refund"]`);
      const refundState = page.locator(`[data-refund="${outTradeNo}R1"] .state`);
      await expect.poll(() => refundState.getAttribute("data-state"), { timeout: 15_000 }).toBe("0");
      await page.click(`button[data-act="approve"][data-refund-no="${outTradeNo}R1"]`);
      // WeChat accepts (3) and settles later (4); Alipay refunds synchronously (4).
      await expect.poll(() => refundState.getAttribute("data-state"), { timeout: 15_000 }).toMatch(/^[34]$/);
      await expect.poll(() => tradeState(outTradeNo), { timeout: 15_000 }).toBe("4");
    }, 60_000);
  }

  it("shows an over-refund's error text next to the order", async () => {
    const outTradeNo = await page.locator("tr[data-order-row]").first().getAttribute("data-order-row");
    await page.fill(`[data-refund-amount="${outTradeNo}"]`, "99.00");
    await page.click(`tr[data-order-row="${outTradeNo}"] button[data-act="refund"]`);
    await expect
      .poll(() => page.locator(`[data-refund-error="${outTradeNo}"]`).textContent(), { timeout: 10_000 })
      .toMatch(/over the 1234 fen paid/);
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: `${screenshotDir}checkout.png`, fullPage: true });
  }, 30_000);
});
