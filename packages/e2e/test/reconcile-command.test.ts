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
import { migrate, openPglite, PostgresPaymentLedger, PostgresRefundLedger } from "@paybridge/postgres";
import type { ReconcileResult } from "@paybridge/reconcile";
import { type AlipaySandbox, type WechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookRecorded } from "./support/book-ledger.js";
import { expectPlanted, plantedNumbers } from "./support/planted-day.js";
import { type PlantedSandboxes, plantedSandboxes } from "./support/planted-sandboxes.js";

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

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("paybridge-reconcile downloads the bill itself", () => {
  let wechat: WechatSandbox;
  let alipay: AlipaySandbox;
  let sandboxes: PlantedSandboxes;
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
    sandboxes = await plantedSandboxes(DAY, wx, ali);
    ({ wechat, alipay } = sandboxes);
    const db = await openPglite(data);
    await migrate(db);
    const ledgers = { payments: new PostgresPaymentLedger(db), refunds: new PostgresRefundLedger(db) };
    await bookRecorded(ledgers, sandboxes.wxRecorded, { provider: "wechatpay", merchantId: "wx-main" }, DAY);
    await bookRecorded(ledgers, sandboxes.aliRecorded, { provider: "alipay", merchantId: "ali-main" }, DAY);
    await db.close();
    mkdirSync(appDir, { recursive: true });
    writeFileSync(app, APP_MODULE);
  });

  afterAll(async () => {
    await sandboxes?.close();
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
