// `paybridge-reconcile --merchant M --date D --app APP` run as an operator runs it: its own Node
// process, started from the package's `bin`, loading an app module that opens the store and the
// WeChat and Alipay merchants of live sandboxes. The command downloads each day's trade bill from
// the merchant's provider itself and reconciles it against the store, where the shop's records
// were booked with one of each difference planted.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AlipayProvider } from "@paybridge/alipay";
import { cny, silentLogger, systemClock } from "@paybridge/core";
import { migrate, openPglite, PostgresPaymentLedger, PostgresRefundLedger } from "@paybridge/postgres";
import type { ReconcileResult } from "@paybridge/reconcile";
import {
  type AlipaySandbox,
  OffsetClock,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookRecorded } from "./support/book-ledger.js";
import { expectPlanted, plantDay, plantedNumbers } from "./support/planted-day.js";

const reconcileDir = fileURLToPath(new URL("../../reconcile/", import.meta.url));
const bin = join(
  reconcileDir,
  (JSON.parse(readFileSync(join(reconcileDir, "package.json"), "utf8")) as { bin: Record<string, string> })
    .bin["paybridge-reconcile"] as string,
);

// The app module an operator writes (plain JavaScript, beside the e2e sources so its imports
// resolve to the workspace's builds); the same shape paybridge-worker's recovery() returns.
const APP_MODULE = `
import { AlipayProvider } from "@paybridge/alipay";
import { createPayBridgeContainer, registerMerchant, registerProvider, resolveGateway } from "@paybridge/core";
import { openPglite, PostgresPaymentLedger, PostgresRefundLedger } from "@paybridge/postgres";
import { WechatPayProvider } from "@paybridge/wechatpay";

export async function reconcile() {
  const db = await openPglite(process.env.PGLITE_DIR);
  const payments = new PostgresPaymentLedger(db);
  const container = createPayBridgeContainer({ payments });
  registerProvider(container, WechatPayProvider);
  registerProvider(container, AlipayProvider);
  registerMerchant(container, { id: "wx-main", provider: "wechatpay", config: JSON.parse(process.env.WECHAT_CONFIG) });
  registerMerchant(container, { id: "ali-main", provider: "alipay", config: JSON.parse(process.env.ALIPAY_CONFIG) });
  return { gateway: resolveGateway(container), payments, refunds: new PostgresRefundLedger(db), close: () => db.close() };
}
`;

const DAY = "2026-03-01";
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const MINUTE = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("paybridge-reconcile downloads the bill itself", () => {
  let wechat: WechatSandbox;
  let alipay: AlipaySandbox;
  let clock: OffsetClock;
  const data = mkdtempSync(join(tmpdir(), "pb-reconcile-cmd-"));
  const appDir = fileURLToPath(new URL("../.tmp/", import.meta.url));
  const app = join(appDir, `reconcile-app-${process.pid}.mjs`);
  const wx = plantedNumbers();
  const ali = (name: string) => `A${wx(name)}`;

  const run = (args: string[]): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: {
          ...process.env,
          PGLITE_DIR: data,
          WECHAT_CONFIG: JSON.stringify(wechat.merchantConfig()),
          ALIPAY_CONFIG: JSON.stringify({ ...alipay.merchantConfig(), timeoutMs: 5000 }),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.once("error", reject);
      child.once("exit", (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    clock = new OffsetClock(Date.now, at(`${DAY}T09:00:00`));
    wechat = await startWechatSandbox({ clock, allowLoopbackHttpNotify: true, rateLimits: false });
    alipay = await startAlipaySandbox({ startTime: at(`${DAY}T09:00:00`) });
    const context = (merchantId: string) => ({ merchantId, clock: systemClock, logger: silentLogger });
    const wxp = new WechatPayProvider(wechat.merchantConfig(), context("wx-main"));
    const alp = new AlipayProvider({ ...alipay.merchantConfig(), timeoutMs: 5000 }, context("ali-main"));
    const wxRecorded = await plantDay(
      {
        pay: async (outTradeNo, fen) => {
          await wxp.createPayment({
            outTradeNo,
            description: "对账命令",
            amount: cny(fen),
            method: "native",
            notifyUrl: `${wechat.origin}/sandbox/notify-sink`,
          });
          wechat.control.pay(outTradeNo);
        },
        refund: (outTradeNo, outRefundNo, fen, total) =>
          wxp.refund({ outTradeNo, outRefundNo, amount: cny(fen), total: cny(total) }),
        betweenRefunds: async () => wechat.engine.advance(2 * MINUTE),
        toNextDay: async () =>
          wechat.engine.advance(at(`${DAY}T23:59:59`).getTime() - clock.now().getTime() + 2_000),
      },
      wx,
    );
    const aliRecorded = await plantDay(
      {
        pay: async (outTradeNo, fen) => {
          await alp.createPayment({
            outTradeNo,
            description: "对账命令",
            amount: cny(fen),
            method: "native",
            notifyUrl: "http://127.0.0.1:9/alipay/notify",
          });
          alipay.scan(outTradeNo);
          await alipay.pay(outTradeNo);
        },
        refund: (outTradeNo, outRefundNo, fen, total) =>
          alp.refund({ outTradeNo, outRefundNo, amount: cny(fen), total: cny(total) }),
        betweenRefunds: async () => {},
        toNextDay: () => alipay.advanceClock(at("2026-03-02T00:00:02").getTime() - alipay.now().getTime()),
      },
      ali,
    );
    // Bills are served from 10:00 (WeChat) and 09:00 (Alipay) the next day.
    wechat.engine.advance(at("2026-03-02T10:00:01").getTime() - clock.now().getTime());
    await alipay.advanceClock(at("2026-03-02T10:00:01").getTime() - alipay.now().getTime());
    const db = await openPglite(data);
    await migrate(db);
    const ledgers = { payments: new PostgresPaymentLedger(db), refunds: new PostgresRefundLedger(db) };
    await bookRecorded(ledgers, wxRecorded, { provider: "wechatpay", merchantId: "wx-main" }, DAY);
    await bookRecorded(ledgers, aliRecorded, { provider: "alipay", merchantId: "ali-main" }, DAY);
    await db.close();
    mkdirSync(appDir, { recursive: true });
    writeFileSync(app, APP_MODULE);
  });

  afterAll(async () => {
    await wechat?.close();
    await alipay?.close();
    rmSync(app, { force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it.each([
    ["wx-main", "wechatpay", wx],
    ["ali-main", "alipay", ali],
  ] as const)(
    "%s: downloads the %s bill, finds each planted difference once and exits 1",
    async (merchant, provider, no) => {
      const { code, stdout, stderr } = await run([
        "--merchant",
        merchant,
        "--date",
        DAY,
        "--app",
        app,
        "--format",
        "json",
      ]);
      expect(code, stderr).toBe(1);
      const result = JSON.parse(stdout) as ReconcileResult;
      expect(result).toMatchObject({ provider, merchantId: merchant, date: DAY });
      expectPlanted(result, no);
    },
  );

  it("an empty day matches and exits 0, printed as a table", async () => {
    const { code, stdout, stderr } = await run([
      "--merchant",
      "wx-main",
      "--date",
      "2026-02-27",
      "--app",
      app,
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/matched/i);
  });

  it("a day whose bill is not generated yet exits 2 with the provider's refusal", async () => {
    const { code, stderr } = await run(["--merchant", "wx-main", "--date", "2026-03-02", "--app", app]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/NO_STATEMENT_EXIST|尚未生成/);
  });

  it("an unknown merchant, or no --app and no --bill, exits 2 naming what is wrong", async () => {
    const unknown = await run(["--merchant", "nobody", "--date", DAY, "--app", app]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nobody/);
    const noApp = await run(["--merchant", "wx-main", "--date", DAY]);
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toMatch(/--app is required to download/);
  });
});
