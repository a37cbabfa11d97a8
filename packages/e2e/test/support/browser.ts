import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { buildApp, startWorld, type World } from "@paybridge/checkout-demo";
import type { FastifyInstance } from "fastify";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

// Debian's chromium, installed by .ci/browser.sh with apt; Playwright never downloads a browser here.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.log(`skipped browser suites: no browser at ${CHROMIUM} (.ci/browser.sh installs it)`);

/** Screenshots of every state, kept as test artifacts (docs/images holds a committed copy). */
export const screenshotDir = fileURLToPath(new URL("../../.artifacts/checkout/", import.meta.url));

/** Buyer clients as their User-Agent strings announce them (core's detectClient reads these). */
export const USER_AGENTS = {
  desktop:
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
  mobile:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
  wechat:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003231) NetType/WIFI Language/zh_CN",
  alipay:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AlipayClient/10.6.10.6000 Language/zh-Hans",
} as const;

export interface Shop {
  readonly world: World;
  readonly app: FastifyInstance;
  readonly browser: Browser;
  readonly origin: string;
  close(): Promise<void>;
}

/** Starts the simulators, the demo shop on a loopback port, and Chromium with the CI's flags. */
export async function startShop(): Promise<Shop> {
  const probe = (await import("node:net")).createServer();
  const port = await new Promise<number>((r) =>
    probe.listen(0, "127.0.0.1", () => r((probe.address() as AddressInfo).port)),
  );
  await new Promise((r) => probe.close(r));
  const origin = `http://127.0.0.1:${port}`;
  const world = await startWorld({ notifyOrigin: origin });
  const app = await buildApp(world);
  await app.listen({ host: "127.0.0.1", port });
  const browser = await chromium.launch({
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
  return {
    world,
    app,
    browser,
    origin,
    async close() {
      await browser.close();
      await app.close();
      await world.close();
    },
  };
}

export async function newContext(shop: Shop, width: 390 | 1280, client: keyof typeof USER_AGENTS) {
  return shop.browser.newContext({
    viewport: { width, height: width === 390 ? 844 : 900 },
    userAgent: USER_AGENTS[client],
    ...(width === 390 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 1 } : {}),
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core inside the page and returns the serious and critical violations. The script is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
 * govern: the page itself still allows no script but its own.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.html) }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).join(" | ")}`);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { html: string }[];
}

/** How wide the page lays out: at 390 px nothing may push it wider than the screen. */
export const layoutWidth = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );

export type { BrowserContext, Page };
