// README.md's "Quick start for a backend" block, run as written: extracted from the README at test
// time (so the README and this test cannot drift), written next to the e2e sources so its imports
// resolve to the workspace packages, and started as its own Node process against the WeChat
// sandbox. It must take a payment (notification through its intake, no orders lookup) and a refund.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quickStartCode } from "./support/readme-quickstart.js";
import { eventually } from "./support/recovery-rig.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("README quick start", () => {
  let sandbox: WechatSandbox;
  let child: ChildProcess;
  let output = "";
  let base: string;
  const dir = join(root, "packages/e2e/.tmp");
  const file = join(dir, `readme-quickstart-${process.pid}.ts`);
  const data = mkdtempSync(join(tmpdir(), "pb-readme-"));

  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      merchants: [{ keyMode: "public_key" }],
      refundDelayMs: 0,
      allowLoopbackHttpNotify: true,
    });
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, quickStartCode());
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _unused, ...env } = process.env;
    child = spawn(process.execPath, ["--import", tsxLoader, file], {
      cwd: root,
      env: {
        ...env,
        TSX_TSCONFIG_PATH: `${root}tsconfig.json`,
        // Embedded PGlite, the default a fresh project gets without DATABASE_URL.
        PGLITE_DIR: data,
        WECHAT_CONFIG: JSON.stringify(sandbox.merchantConfig()),
        PUBLIC_URL: base,
        HOST: "127.0.0.1",
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    await eventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the quick start exited (${child.exitCode}):\n${output}`);
        return fetch(`${base}/orders/none`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      "the quick start backend listening",
      120_000,
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await sandbox?.close();
    rmSync(file, { force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it("extracts a real program from README.md", () => {
    const code = quickStartCode();
    expect(code).toContain("new NotificationIntake({ gateway, ledger, inbox, events })");
    expect(code).not.toContain("orders:");
  });

  it("README.zh-CN.md carries the same quick start, character for character", () => {
    const zh = readFileSync(join(root, "README.zh-CN.md"), "utf8");
    const block = zh.split("## 后端快速上手")[1]?.match(/```ts\n([\s\S]*?)```/)?.[1];
    expect(block).toBe(quickStartCode());
  });

  it("takes a payment and a refund end to end", async () => {
    const no = `RQS${Date.now().toString(36)}`;
    const pay = await fetch(`${base}/orders/${no}/pay`, { method: "POST" });
    expect(pay.status, output).toBe(200);
    expect(await pay.json()).toMatchObject({
      outTradeNo: no,
      action: { type: "qr_code", content: expect.stringMatching(/^weixin:\/\//) },
    });
    sandbox.control.pay(no);
    const paid = await eventually(async () => {
      const r = await fetch(`${base}/orders/${no}`);
      const p = (await r.json().catch(() => undefined)) as { state?: number } | undefined;
      return p?.state === 3 ? p : undefined;
    }, "the payment paid through the notification");
    expect(paid).toMatchObject({ outTradeNo: no, amountFen: 19900, merchantId: "wx-main" });
    const notice = sandbox.control.notifications({ outTradeNo: no, kind: "trade" })[0];
    expect(notice?.delivered).toBe(true);
    await eventually(() => output.includes(`ship order ${no}`), "the trade.paid handler ran");

    const refund = await fetch(`${base}/orders/${no}/refund`, { method: "POST" });
    expect(refund.status, output).toBe(200);
    expect(await refund.json()).toMatchObject({ outRefundNo: `${no}R1`, amountFen: 5000 });
    const order = sandbox.engine.getOrder(sandbox.merchant().mchid, { outTradeNo: no });
    await eventually(
      () => sandbox.control.notifications({ outTradeNo: no, kind: "refund" })[0]?.delivered,
      "the refund notification accepted by the backend",
    );
    expect(order.tradeState).toBe("REFUND");
    expect(output.split(`ship order ${no}`).length - 1).toBe(1);
  });
});
