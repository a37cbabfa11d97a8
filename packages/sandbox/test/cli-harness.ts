import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { type AlipayConfigInput, AlipayProvider } from "@paybridge/alipay";
import { cny, type PaymentProvider, silentLogger, systemClock, TradeState } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { WechatPayProvider, type WechatPayV3ConfigInput } from "@paybridge/wechatpay";
import { expect } from "vitest";
import { type CliIo, runSandboxCli } from "../src/cli/index.js";

/** runSandboxCli in this process, with captured output and a signal the test sends. */
export interface InProcessCli {
  readonly exit: Promise<number>;
  stdout(): string;
  stderr(): string;
  /** Resolves once the CLI printed its report (or exited without one). */
  ready(): Promise<string>;
  signal(name?: string): void;
}

/**
 * Runs the CLI in this process. The tests' notify_url is the simulator's own http sink on
 * 127.0.0.1, which WeChat would refuse, so every run opts in with --allow-http-notify.
 */
export function runInProcess(givenArgv: string[], cwd: string): InProcessCli {
  const argv = givenArgv.includes("--help") ? givenArgv : [...givenArgv, "--allow-http-notify"];
  let out = "";
  let err = "";
  let handler: ((signal: string) => void) | undefined;
  let printed: () => void = () => {};
  const firstOutput = new Promise<void>((resolve) => {
    printed = resolve;
  });
  const io: CliIo = {
    stdout: (text) => {
      out += text;
      printed();
    },
    stderr: (text) => {
      err += text;
    },
    onSignal(h) {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
    cwd,
  };
  const exit = runSandboxCli(argv, io);
  return {
    exit,
    stdout: () => out,
    stderr: () => err,
    ready: async () => {
      await Promise.race([firstOutput, exit]);
      return out;
    },
    signal: (name = "SIGINT") => handler?.(name),
  };
}

/** The --json report's WeChat part, as the CLI prints it. */
export interface WechatReport {
  origin: string;
  mchid: string;
  appid: string;
  keyMode: "platform_certificate" | "public_key";
  merchantSerialNo: string;
  platformCertificateSerial: string;
  wechatpayPublicKeyId: string;
  wechatpaySerial: string;
  apiV3Key: string;
  keysDir: string | null;
  keysCreated: boolean | null;
  keyFiles: null | {
    merchantPrivateKey: string;
    merchantCertificate: string;
    platformCertificate: string;
    wechatpayPublicKey: string;
    merchant: string;
  };
  pem: null | {
    merchantPrivateKey: string;
    merchantPublicKey: string;
    platformCertificate: string;
    wechatpayPublicKey: string;
  };
  credentialsUrl: string;
  notifySink: string;
  providerConfig: WechatPayV3ConfigInput;
  control: PrintedRoute[];
}

/** The --json report's Alipay part. */
export interface AlipayReport {
  origin: string;
  gatewayUrl: string;
  appId: string;
  sellerId: string;
  keyMode: "public_key" | "certificate";
  appCertSn: string | null;
  alipayCertSn: string | null;
  alipayRootCertSn: string | null;
  keysDir: string | null;
  keysCreated: boolean | null;
  keyFiles: null | Record<
    | "appPrivateKey"
    | "appPublicKey"
    | "alipayPublicKey"
    | "appCertificate"
    | "alipayPublicCertificate"
    | "alipayRootCertificate"
    | "app",
    string
  >;
  pem: null | {
    appPrivateKey: string;
    appPublicKey: string;
    alipayPublicKey: string;
    appCertificate?: string;
    alipayPublicCertificate?: string;
    alipayRootCertificate?: string;
  };
  control: PrintedRoute[];
}

/** An AlipayProvider configured only from what the CLI printed or wrote. */
export function alipayProviderFromReport(r: AlipayReport): AlipayProvider {
  const read = (file: keyof NonNullable<AlipayReport["keyFiles"]>, pem: string | undefined): string =>
    r.keyFiles ? readFileSync(r.keyFiles[file], "utf8") : (pem ?? "");
  const config: AlipayConfigInput = {
    appId: r.appId,
    sellerId: r.sellerId,
    privateKey: read("appPrivateKey", r.pem?.appPrivateKey),
    gateway: r.gatewayUrl,
    keyMode:
      r.keyMode === "certificate"
        ? {
            type: "certificate",
            appCertContent: read("appCertificate", r.pem?.appCertificate),
            alipayPublicCertContent: read("alipayPublicCertificate", r.pem?.alipayPublicCertificate),
            alipayRootCertContent: read("alipayRootCertificate", r.pem?.alipayRootCertificate),
          }
        : { type: "public_key", alipayPublicKey: read("alipayPublicKey", r.pem?.alipayPublicKey) },
  };
  return new AlipayProvider(config, {
    merchantId: `cli-${r.appId}`,
    clock: systemClock,
    logger: silentLogger,
  });
}

/** Precreate (provider) -> query 0 -> pay (printed control route) -> query 3, over real HTTP. */
export async function alipayCreatePayAndQuery(r: AlipayReport): Promise<string> {
  const provider = alipayProviderFromReport(r);
  const outTradeNo = uniqueOutTradeNo("CLIA");
  const created = await provider.createPayment({
    outTradeNo,
    description: "PayBridge CLI e2e",
    amount: cny(2345),
    method: "native",
    notifyUrl: `${r.origin}/merchant/notify`,
  });
  expect(created.action.type).toBe("qr_code");
  // As live, the precreate trade exists only once a buyer scans the code.
  await expect(provider.queryPayment({ outTradeNo })).rejects.toMatchObject({
    name: "NotFoundError",
    providerCode: "ACQ.TRADE_NOT_EXIST",
  });
  expect((await callControl(r, /^scan a precreate/, { out_trade_no: outTradeNo })).status).toBe(200);
  expect((await provider.queryPayment({ outTradeNo })).state).toBe(TradeState.UNPAID);
  const paid = await callControl(r, /^pay an order/, { out_trade_no: outTradeNo });
  expect(paid).toMatchObject({
    status: 200,
    body: { out_trade_no: outTradeNo, trade_status: "TRADE_SUCCESS" },
  });
  const after = await provider.queryPayment({ outTradeNo });
  expect([after.state, after.rawStatus, after.paidAmount]).toEqual([
    TradeState.PAID,
    "TRADE_SUCCESS",
    cny(2345),
  ]);
  return outTradeNo;
}

/**
 * A WechatPayProvider configured only from what the CLI printed: the PEMs in the JSON, or the
 * files it names (read from disk as a user's app would).
 */
export function providerFromReport(r: WechatReport): PaymentProvider {
  const privateKey = r.keyFiles
    ? readFileSync(r.keyFiles.merchantPrivateKey, "utf8")
    : (r.pem?.merchantPrivateKey ?? "");
  const publicKey = r.keyFiles
    ? readFileSync(r.keyFiles.wechatpayPublicKey, "utf8")
    : (r.pem?.wechatpayPublicKey ?? "");
  const config: WechatPayV3ConfigInput = {
    mchid: r.mchid,
    appid: r.appid,
    merchantSerialNo: r.merchantSerialNo,
    privateKey,
    apiV3Key: r.apiV3Key,
    keyMode:
      r.keyMode === "public_key"
        ? { type: "public_key", publicKeyId: r.wechatpayPublicKeyId, publicKey }
        : { type: "platform_certificate" },
    origin: r.origin,
    // The CLI runs with --allow-http-notify and notify_url is its http sink: the client opts in too.
    allowLoopbackHttpNotify: true,
  };
  return new WechatPayProvider(config, {
    merchantId: `cli-${r.mchid}`,
    clock: systemClock,
    logger: silentLogger,
  });
}

export interface PrintedRoute {
  purpose: string;
  method: "GET" | "POST";
  url: string;
  body?: Record<string, unknown>;
  curl: string;
}

/**
 * Calls a printed control route: the example body merged with `body`, and YOUR_OUT_TRADE_NO in
 * the URL (Alipay's routes carry the order number in the path) replaced by `body.out_trade_no`.
 */
export async function callControl(
  r: { control: PrintedRoute[] },
  purpose: RegExp,
  body: Record<string, unknown>,
) {
  const route = r.control.find((c) => purpose.test(c.purpose));
  if (!route) throw new Error(`the CLI printed no control route for ${purpose}`);
  const url = route.url.replace("YOUR_OUT_TRADE_NO", encodeURIComponent(String(body.out_trade_no ?? "")));
  const response = await fetch(url, {
    method: route.method,
    ...(route.body === undefined
      ? {}
      : {
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ ...route.body, ...body }),
        }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Create (provider) -> query 0 -> pay (control API) -> query 3, all over real HTTP. */
export async function createPayAndQuery(r: WechatReport): Promise<string> {
  const provider = providerFromReport(r);
  const outTradeNo = uniqueOutTradeNo("CLI");
  const created = await provider.createPayment({
    outTradeNo,
    description: "PayBridge CLI e2e",
    amount: cny(1234),
    method: "native",
    notifyUrl: r.notifySink,
  });
  expect(created.action.type).toBe("qr_code");
  expect((await provider.queryPayment({ outTradeNo })).state).toBe(TradeState.UNPAID);
  const paid = await callControl(r, /^pay an order/, { out_trade_no: outTradeNo });
  expect(paid.status).toBe(200);
  const after = await provider.queryPayment({ outTradeNo });
  expect([after.state, after.rawStatus, after.paidAmount]).toEqual([TradeState.PAID, "SUCCESS", cny(1234)]);
  return outTradeNo;
}

/** Reads stdout lines of a child until one parses as the JSON report. */
export function firstJsonLine(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const newline = buffered.indexOf("\n");
      if (newline >= 0) resolve(JSON.parse(buffered.slice(0, newline)));
    });
    child.once("exit", (code) => reject(new Error(`CLI exited with ${code} before printing: ${stderr}`)));
  });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

export { spawn };
