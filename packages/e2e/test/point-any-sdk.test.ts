// docs/sandbox.md "Point any SDK here", run as written: the sandbox CLI is started as a user starts
// it, and three Node SDKs that know nothing of PayBridge (wechatpay-axios-plugin, wechatpay-node-v3,
// alipay-sdk) are aimed at it with the key files it wrote. Each SDK verifies the sandbox's RSA
// signatures itself; each is also shown a wrong key, so a sandbox that signed nothing would fail.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { AlipaySdk } from "alipay-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wechatpay } from "wechatpay-axios-plugin";
import WxPay from "wechatpay-node-v3";

const bin = fileURLToPath(new URL("../../sandbox/dist/esm/cli/bin.js", import.meta.url));

interface WechatReport {
  origin: string;
  mchid: string;
  appid: string;
  merchantSerialNo: string;
  platformCertificateSerial: string;
  wechatpayPublicKeyId: string;
  notifySink: string;
  keyFiles: Record<
    "merchantPrivateKey" | "merchantCertificate" | "platformCertificate" | "wechatpayPublicKey",
    string
  >;
}
interface AlipayReport {
  origin: string;
  gatewayUrl: string;
  appId: string;
  keyFiles: Record<"appPrivateKey" | "alipayPublicKey" | "appPublicKey", string>;
}
interface Sandbox {
  child: ChildProcess;
  dir: string;
  wechat: WechatReport;
  alipay: AlipayReport;
}

/** `paybridge-sandbox --wechat --alipay --keys-dir DIR --json --allow-http-notify [extra]`; resolves with its JSON line. */
async function startSandbox(extra: string[]): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), "pb-any-sdk-"));
  const child = spawn(
    process.execPath,
    [bin, "--wechat", "--alipay", "--keys-dir", join(dir, "keys"), "--json", "--allow-http-notify", ...extra],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`sandbox exited ${code} before printing: ${stderr}`)));
  });
  const report = JSON.parse(line) as { wechat: WechatReport; alipay: AlipayReport };
  return { child, dir, ...report };
}

async function stopSandbox(sandbox: Sandbox | undefined): Promise<void> {
  if (!sandbox) return;
  const exited = new Promise((resolve) => sandbox.child.once("exit", resolve));
  sandbox.child.kill("SIGINT");
  await exited;
  rmSync(sandbox.dir, { recursive: true, force: true });
}

const read = (path: string) => readFileSync(path, "utf8");

async function control(url: string, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${url}: ${await res.clone().text()}`).toBeLessThan(300);
}

/** The plugin's chained endpoints (`wxpay.v3.pay.transactions.native`), typed for what this test reads. */
interface WechatAnswer {
  status: number;
  data: {
    code_url?: string;
    trade_state?: string;
    status?: string;
    amount?: { total?: number; refund?: number };
  };
}
interface Endpoint {
  post(body: object): Promise<WechatAnswer>;
  get(config: object): Promise<WechatAnswer>;
}
// `wxpay["v3/pay/transactions/native"]` is the same endpoint as `wxpay.v3.pay.transactions.native`.
const at = (client: Wechatpay, path: string) =>
  (client as unknown as Record<string, Endpoint>)[path] as Endpoint;

/** wechatpay-axios-plugin aimed at the sandbox: the merchant's key files, `certs` as the test gives them. */
const axiosPlugin = (w: WechatReport, certs: Record<string, string>, extra: Record<string, unknown> = {}) =>
  new Wechatpay({
    mchid: w.mchid,
    serial: w.merchantSerialNo,
    privateKey: read(w.keyFiles.merchantPrivateKey),
    certs,
    baseURL: `${w.origin}/`,
    ...extra,
  });

let orderSeq = 0;
const orderNo = (prefix: string) => `${prefix}${Date.now()}${(orderSeq++).toString().padStart(3, "0")}`;

/** A Native order paid at the sandbox, then queried and partly refunded through `client`. */
async function nativeRoundTripWithAxiosPlugin(client: Wechatpay, wechat: WechatReport) {
  const outTradeNo = orderNo("AXIOS");
  const created = await at(client, "v3/pay/transactions/native").post({
    mchid: wechat.mchid,
    appid: wechat.appid,
    out_trade_no: outTradeNo,
    description: "point-any-sdk",
    notify_url: wechat.notifySink,
    amount: { total: 300, currency: "CNY" },
  });
  expect(created.status).toBe(200);
  expect(created.data.code_url).toMatch(/^weixin:\/\//);
  await control(`${wechat.origin}/sandbox/control/pay`, { out_trade_no: outTradeNo });
  const queried = await at(client, "v3/pay/transactions/out-trade-no/{out_trade_no}").get({
    params: { mchid: wechat.mchid },
    out_trade_no: outTradeNo,
  });
  expect(queried.data.trade_state).toBe("SUCCESS");
  expect(queried.data.amount?.total).toBe(300);
  const refunded = await at(client, "v3/refund/domestic/refunds").post({
    out_trade_no: outTradeNo,
    out_refund_no: `${outTradeNo}R1`,
    amount: { refund: 100, total: 300, currency: "CNY" },
  });
  expect(["PROCESSING", "SUCCESS"]).toContain(refunded.data.status);
  expect(refunded.data.amount?.refund).toBe(100);
}

describe("Point any SDK here (docs/sandbox.md), platform-certificate mode", () => {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox([]);
  });
  afterAll(() => stopSandbox(sandbox));

  it("wechatpay-axios-plugin: pays, queries and refunds with the platform certificate as `certs`", async () => {
    const s = sandbox as Sandbox;
    const client = axiosPlugin(s.wechat, {
      [s.wechat.platformCertificateSerial]: read(s.wechat.keyFiles.platformCertificate),
    });
    await nativeRoundTripWithAxiosPlugin(client, s.wechat);
  });

  it("wechatpay-axios-plugin refuses the sandbox's answers when given another key under the same serial", async () => {
    const s = sandbox as Sandbox;
    // The public key is genuine, but not the key that signs in this mode.
    const client = axiosPlugin(s.wechat, {
      [s.wechat.platformCertificateSerial]: read(s.wechat.keyFiles.wechatpayPublicKey),
    });
    // A 2xx answer: the plugin verifies those (it passes 4xx answers through unverified).
    await expect(
      at(client, "v3/pay/transactions/native").post({
        mchid: s.wechat.mchid,
        appid: s.wechat.appid,
        out_trade_no: orderNo("AXIOSBAD"),
        description: "point-any-sdk",
        notify_url: s.wechat.notifySink,
        amount: { total: 1, currency: "CNY" },
      }),
    ).rejects.toThrow(/verif|signature|签名/i);
  });

  it("wechatpay-node-v3: signs for api.mch.weixin.qq.com, and an http service of its own sends to the sandbox", async () => {
    const s = sandbox as Sandbox;
    const pay = new WxPay({
      appid: s.wechat.appid,
      mchid: s.wechat.mchid,
      publicKey: Buffer.from(read(s.wechat.keyFiles.merchantCertificate)),
      privateKey: Buffer.from(read(s.wechat.keyFiles.merchantPrivateKey)),
    });
    const platformCert = read(s.wechat.keyFiles.platformCertificate);
    const answers: { status: number; headers: Headers; body: string }[] = [];
    // The library builds full api.mch.weixin.qq.com URLs; its signature covers only the path and
    // query, so sending the same request to another origin keeps it valid.
    const toSandbox = async (url: string, init: RequestInit) => {
      const target = url.replace("https://api.mch.weixin.qq.com", s.wechat.origin);
      const res = await fetch(target, init);
      const body = await res.text();
      answers.push({ status: res.status, headers: res.headers, body });
      return { status: res.status, data: body ? JSON.parse(body) : undefined };
    };
    pay.createHttp({
      post: (url: string, params: Record<string, unknown>, headers: Record<string, string>) =>
        toSandbox(url, { method: "POST", headers, body: JSON.stringify(params) }),
      get: (url: string, headers: Record<string, string>) => toSandbox(url, { method: "GET", headers }),
      upload: () => Promise.reject(new Error("not used")),
    } as unknown as Parameters<WxPay["createHttp"]>[0]);

    const outTradeNo = orderNo("NODEV3");
    const created = (await pay.transactions_native({
      description: "point-any-sdk",
      out_trade_no: outTradeNo,
      notify_url: s.wechat.notifySink,
      amount: { total: 200 },
    })) as { status: number; data?: { code_url?: string } };
    expect(created.status).toBe(200);
    expect(created.data?.code_url).toMatch(/^weixin:\/\//);
    await control(`${s.wechat.origin}/sandbox/control/pay`, { out_trade_no: outTradeNo });
    const queried = (await pay.query({ out_trade_no: outTradeNo })) as {
      data?: { trade_state?: string };
    };
    expect(queried.data?.trade_state).toBe("SUCCESS");

    // wechatpay-node-v3 leaves answer verification to the caller: verify each answer with the
    // platform certificate the sandbox wrote, as an app using this library must.
    const { X509Certificate, createVerify } = await import("node:crypto");
    const key = new X509Certificate(platformCert).publicKey;
    expect(answers).toHaveLength(2);
    for (const a of answers) {
      expect(a.headers.get("wechatpay-serial")).toBe(s.wechat.platformCertificateSerial);
      const message = `${a.headers.get("wechatpay-timestamp")}\n${a.headers.get("wechatpay-nonce")}\n${a.body}\n`;
      const signature = a.headers.get("wechatpay-signature") ?? "";
      expect(createVerify("RSA-SHA256").update(message).verify(key, signature, "base64")).toBe(true);
      expect(createVerify("RSA-SHA256").update(`${message}x`).verify(key, signature, "base64")).toBe(false);
    }
  });

  it("alipay-sdk: precreate, scan and pay, query and refund against the printed gateway, signatures checked", async () => {
    const s = sandbox as Sandbox;
    const sdk = new AlipaySdk({
      appId: s.alipay.appId,
      privateKey: read(s.alipay.keyFiles.appPrivateKey),
      alipayPublicKey: read(s.alipay.keyFiles.alipayPublicKey),
      gateway: s.alipay.gatewayUrl,
      keyType: "PKCS8", // the sandbox writes PKCS#8 PEM ("BEGIN PRIVATE KEY")
    });
    const outTradeNo = orderNo("ALI");
    const created = await sdk.exec(
      "alipay.trade.precreate",
      { bizContent: { out_trade_no: outTradeNo, total_amount: "3.00", subject: "point-any-sdk" } },
      { validateSign: true },
    );
    expect(created.code).toBe("10000");
    expect(String(created.qrCode)).toMatch(/^https?:\/\//);
    await control(`${s.alipay.origin}/__sandbox/trades/${outTradeNo}/scan`);
    await control(`${s.alipay.origin}/__sandbox/trades/${outTradeNo}/pay`);
    const queried = await sdk.exec(
      "alipay.trade.query",
      { bizContent: { out_trade_no: outTradeNo } },
      { validateSign: true },
    );
    expect(queried.tradeStatus).toBe("TRADE_SUCCESS");
    expect(queried.totalAmount).toBe("3.00");
    const refunded = await sdk.exec(
      "alipay.trade.refund",
      { bizContent: { out_trade_no: outTradeNo, refund_amount: "1.00", out_request_no: `${outTradeNo}R1` } },
      { validateSign: true },
    );
    expect(refunded.code).toBe("10000");
    expect(refunded.fundChange).toBe("Y");
  });

  it("alipay-sdk refuses the sandbox's answers when its alipayPublicKey is another key", async () => {
    const s = sandbox as Sandbox;
    const sdk = new AlipaySdk({
      appId: s.alipay.appId,
      privateKey: read(s.alipay.keyFiles.appPrivateKey),
      // The app's own public key: a well-formed key that did not sign the answer.
      alipayPublicKey: read(s.alipay.keyFiles.appPublicKey),
      gateway: s.alipay.gatewayUrl,
      keyType: "PKCS8", // the sandbox writes PKCS#8 PEM ("BEGIN PRIVATE KEY")
    });
    await expect(
      sdk.exec(
        "alipay.trade.query",
        { bizContent: { out_trade_no: "NEVER0000001" } },
        { validateSign: true },
      ),
    ).rejects.toThrow(/sign/i);
  });
});

describe("Point any SDK here (docs/sandbox.md), WeChat Pay public-key mode", () => {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox(["--wechat-mode", "public_key"]);
  });
  afterAll(() => stopSandbox(sandbox));

  it("wechatpay-axios-plugin: the public key under its PUB_KEY_ID_ as `certs`, as new merchants configure it", async () => {
    const s = sandbox as Sandbox;
    const client = axiosPlugin(
      s.wechat,
      { [s.wechat.wechatpayPublicKeyId]: read(s.wechat.keyFiles.wechatpayPublicKey) },
      { headers: { "Wechatpay-Serial": s.wechat.wechatpayPublicKeyId } },
    );
    await nativeRoundTripWithAxiosPlugin(client, s.wechat);
  });
});
