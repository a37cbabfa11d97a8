// `paybridge-worker` run as the operator runs it: its own Node process, started from the package's
// `bin`, loading an app module (docs/recovery.md) that opens the store and the WeChat merchant of a
// live sandbox. The test creates a payment in the same store, the sandbox's buyer pays it and the
// paid notification is lost; `--once queryUnnotified` must find it, `--health` must count what is
// pending, the running worker must start, report and stop on SIGTERM, and a bad flag exits 2.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { migrate, openPglite, PostgresPaymentLedger } from "@paybridge/postgres";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const workerDir = fileURLToPath(new URL("../../worker/", import.meta.url));
const bin = join(
  workerDir,
  (JSON.parse(readFileSync(join(workerDir, "package.json"), "utf8")) as { bin: Record<string, string> }).bin[
    "paybridge-worker"
  ] as string,
);

// The app module an operator writes: plain JavaScript, next to the e2e sources so its imports
// resolve to the workspace's builds.
const APP_MODULE = `
import { createPayBridgeContainer, registerMerchant, registerProvider, resolveGateway, RefundService, EventDispatcher } from "@paybridge/core";
import { migrate, openPglite, PostgresNotificationInbox, PostgresPaymentLedger, PostgresRefundLedger } from "@paybridge/postgres";
import { WechatPayProvider } from "@paybridge/wechatpay";

export async function recovery() {
  const db = await openPglite(process.env.PGLITE_DIR);
  await migrate(db);
  const payments = new PostgresPaymentLedger(db);
  const container = createPayBridgeContainer({ payments });
  registerProvider(container, WechatPayProvider);
  registerMerchant(container, { id: "wx-main", provider: "wechatpay", config: JSON.parse(process.env.WECHAT_CONFIG) });
  const gateway = resolveGateway(container);
  const ledger = new PostgresRefundLedger(db);
  return {
    gateway,
    payments,
    refunds: new RefundService({ gateway, ledger }),
    inbox: new PostgresNotificationInbox(db),
    events: new EventDispatcher({ outbox: payments.outbox, handlers: {} }),
    config: { queryUnnotified: { notNotifiedAfterMs: 1 } },
    close: () => db.close(),
  };
}
`;

interface Run {
  code: number | null;
  lines: unknown[];
  stderr: string;
}

describe("paybridge-worker, the command", () => {
  let sandbox: WechatSandbox;
  const data = mkdtempSync(join(tmpdir(), "pb-worker-cmd-"));
  const appDir = fileURLToPath(new URL("../.tmp/", import.meta.url));
  const app = join(appDir, `worker-app-${process.pid}.mjs`);
  const no = `WCMD${Date.now().toString(36)}`;

  const start = (args: string[]): ChildProcess =>
    spawn(process.execPath, [bin, "--app", app, ...args], {
      env: { ...process.env, PGLITE_DIR: data, WECHAT_CONFIG: JSON.stringify(sandbox.merchantConfig()) },
      stdio: ["ignore", "pipe", "pipe"],
    });

  /** Runs the command to its end; stdout's lines parsed as JSON. */
  const run = (args: string[]): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = start(args);
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.once("error", reject);
      child.once("exit", (code) => {
        const lines = stdout
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => JSON.parse(l) as unknown);
        resolve({ code, lines, stderr });
      });
    });

  beforeAll(async () => {
    sandbox = await startWechatSandbox({ merchants: [{ keyMode: "public_key" }] });
    mkdirSync(appDir, { recursive: true });
    writeFileSync(app, APP_MODULE);
    // A payment recorded by the app, paid at WeChat, its notification lost for good.
    const db = await openPglite(data);
    await migrate(db);
    const payments = new PostgresPaymentLedger(db);
    const container = createPayBridgeContainer({ payments });
    registerProvider(container, WechatPayProvider);
    registerMerchant(container, { id: "wx-main", provider: "wechatpay", config: sandbox.merchantConfig() });
    await resolveGateway(container)
      .forMerchant("wx-main")
      .createPayment({
        outTradeNo: no,
        description: "lost notification",
        amount: { fen: 1200, currency: "CNY" },
        method: "native",
        notifyUrl: "https://shop.example.com/notify/wx-main",
      });
    await db.close();
    sandbox.control.dropNotifications({ outTradeNo: no, kind: "trade" });
    sandbox.control.pay(no);
  });

  afterAll(async () => {
    await sandbox?.close();
    rmSync(app, { force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it("--health counts the pending payment and exits 0", async () => {
    const { code, lines, stderr } = await run(["--health"]);
    expect(code, stderr).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({
        pendingPayments: { count: 1, oldestAgeMs: expect.any(Number) },
        unknownOutcomeRefunds: { count: 0, oldestAgeMs: null },
      }),
    ]);
  });

  it("--once queryUnnotified finds the payment whose notification never came", async () => {
    const { code, lines, stderr } = await run(["--once", "queryUnnotified"]);
    expect(code, stderr).toBe(0);
    expect(lines[0]).toMatchObject({ job: "queryUnnotified", examined: 1, changed: 1, errors: 0 });
    expect(lines[1]).toMatchObject({ pendingPayments: { count: 0 } });
    const db = await openPglite(data);
    try {
      expect(await new PostgresPaymentLedger(db).getPayment(no)).toMatchObject({ state: 3, amountFen: 1200 });
    } finally {
      await db.close();
    }
  });

  it("runs until SIGTERM: one health line at start, then a clean exit 0", async () => {
    const child = start(["--engine", "in-process"]);
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<string>((resolve) =>
      child.once("exit", (code, signal) => resolve(`code ${code} signal ${signal}`)),
    );
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`exited ${code} before a line: ${stderr}`)));
    });
    expect(JSON.parse(first)).toMatchObject({
      started: "in-process",
      pendingPayments: { count: expect.any(Number) },
    });
    child.kill("SIGTERM");
    expect(await exited, stderr).toBe("code 0 signal null");
  });

  it("a configuration the worker refuses exits 2, naming the setting, and does not hang on the open store", async () => {
    const bad = join(appDir, `worker-app-bad-${process.pid}.mjs`);
    writeFileSync(bad, APP_MODULE.replace("notNotifiedAfterMs: 1", "notNotifiedAfterMs: 0"));
    try {
      const child = spawn(process.execPath, [bin, "--app", bad, "--health"], {
        env: { ...process.env, PGLITE_DIR: data, WECHAT_CONFIG: JSON.stringify(sandbox.merchantConfig()) },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      const code = await new Promise((resolve) => child.once("exit", resolve));
      expect(code).toBe(2);
      expect(stderr).toMatch(/recovery\.queryUnnotified\.notNotifiedAfterMs/);
    } finally {
      rmSync(bad, { force: true });
    }
  });

  it("a bad flag exits 2, naming it, before loading the app", async () => {
    const { code, stderr } = await run(["--once", "queryEverything"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/paybridge-worker: .*queryEverything/);
  });
});
