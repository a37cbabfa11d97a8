// The paybridge-sandbox command as a user runs it, with a WeChat service provider (two sub-merchants)
// and an Alipay ISV app (two authorising merchants): the real clients are configured only from the
// JSON the process printed, pay through it for both sub-merchants, never see the other's orders, and
// in-person buyers are planned over the printed HTTP control routes.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { AlipayProvider } from "@paybridge/alipay";
import {
  cny,
  createPayBridgeContainer,
  type PaymentGateway,
  registerMerchant,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
  TradeState,
} from "@paybridge/core";
import { WechatPayProvider, type WechatPayV3ConfigInput } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../sandbox/dist/esm/cli/bin.js", import.meta.url));
const SUB_A = "1900000109";
const SUB_B = "1900000110";
const SUB_B_APPID = "wxsubb0000000002";
const TOKEN_A = "202512BBcli0000000000000000000aa";
const TOKEN_B = "202512BBcli0000000000000000000bb";

interface PrintedRoute {
  purpose: string;
  method: "GET" | "POST";
  url: string;
  body?: Record<string, unknown>;
}
interface Report {
  wechat: {
    origin: string;
    notifySink: string;
    providerConfig: WechatPayV3ConfigInput;
    serviceProvider: {
      spMchid: string;
      subMerchants: { subMchid: string; subAppid?: string }[];
    } | null;
    control: PrintedRoute[];
  };
  alipay: {
    gatewayUrl: string;
    providerConfig: Record<string, unknown> & { appId: string; sellerId: string };
    isv: {
      authorizations: {
        appAuthToken: string;
        authAppId: string;
        sellerId: string;
        control: PrintedRoute[];
      }[];
    } | null;
    control: PrintedRoute[];
  };
}

let child: ChildProcess;
let report: Report;
let gateway: PaymentGateway;
let n = 0;
const fresh = (prefix: string) => {
  n += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${n}`;
};

/** Calls the printed route whose purpose matches, with its example body merged with `body`. */
async function call(routes: PrintedRoute[], purpose: RegExp, body: Record<string, unknown>, path = {}) {
  const route = routes.find((r) => purpose.test(r.purpose));
  if (!route) throw new Error(`the CLI printed no route for ${purpose}`);
  let url = route.url;
  for (const [from, to] of Object.entries(path)) url = url.replace(from, encodeURIComponent(String(to)));
  const res = await fetch(url, {
    method: route.method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...route.body, ...body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [
      bin,
      "--json",
      "--allow-http-notify",
      "--wechat-mode",
      "public_key",
      "--wechat-sub-mchid",
      SUB_A,
      "--wechat-sub-mchid",
      `${SUB_B}:${SUB_B_APPID}`,
      "--alipay-app-auth-token",
      TOKEN_A,
      "--alipay-app-auth-token",
      TOKEN_B,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`CLI exited ${code} before printing: ${stderr}`)));
  });
  report = JSON.parse(line) as Report;

  const container = createPayBridgeContainer();
  registerProvider(container, WechatPayProvider);
  registerProvider(container, AlipayProvider);
  const sp = report.wechat.serviceProvider;
  const isv = report.alipay.isv;
  if (!sp || !isv) throw new Error("the CLI printed no service provider or ISV section");
  registerServiceProvider(container, {
    id: "wx-sp",
    provider: WechatPayProvider.id,
    config: report.wechat.providerConfig,
    subMerchants: sp.subMerchants.map((sub, i) => ({ id: `wx-${i}`, config: sub })),
  });
  // The service provider's own keys on the direct APIs, as an integration that forgot sub_mchid:
  // WeChat refuses a 服务商 there ("受理机构必须传入sub_mch_id"), and so must the CLI's simulator.
  registerMerchant(container, {
    id: "wx-sp-direct",
    provider: WechatPayProvider.id,
    config: report.wechat.providerConfig,
  });
  registerServiceProvider(container, {
    id: "ali-isv",
    provider: AlipayProvider.id,
    config: { ...report.alipay.providerConfig, timeoutMs: 5000 },
    subMerchants: isv.authorizations.map((a, i) => ({
      id: `ali-${i}`,
      config: { appAuthToken: a.appAuthToken, authAppId: a.authAppId, sellerId: a.sellerId },
    })),
  });
  gateway = resolveGateway(container);
});

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
});

describe("paybridge-sandbox with sub-merchants, run as a process", () => {
  it("prints the service provider, its sub-merchants and the ISV authorisations", () => {
    expect(report.wechat.serviceProvider?.spMchid).toBe(report.wechat.providerConfig.mchid);
    expect(report.wechat.serviceProvider?.subMerchants).toEqual([
      { subMchid: SUB_A },
      { subMchid: SUB_B, subAppid: SUB_B_APPID },
    ]);
    expect(report.alipay.isv?.authorizations.map((a) => a.appAuthToken)).toEqual([TOKEN_A, TOKEN_B]);
    expect(report.alipay.isv?.authorizations[1]?.control[0]?.url).toContain(`app_auth_token=${TOKEN_B}`);
  });

  it("WeChat: each sub-merchant pays on the partner API; the other never finds its order", async () => {
    for (const [mine, other, subMchid] of [
      ["wx-0", "wx-1", SUB_A],
      ["wx-1", "wx-0", SUB_B],
    ] as const) {
      const outTradeNo = fresh("CLISP");
      await gateway.forMerchant(mine).createPayment({
        outTradeNo,
        description: "CLI partner",
        amount: cny(1500),
        method: "native",
        notifyUrl: report.wechat.notifySink,
      });
      const paid = await call(report.wechat.control, /^pay an order/, {
        out_trade_no: outTradeNo,
        mchid: subMchid,
      });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ mchid: subMchid, tradeState: "SUCCESS" });
      const seen = await gateway.forMerchant(mine).queryPayment({ outTradeNo });
      expect([seen.state, seen.paidAmount]).toEqual([TradeState.PAID, cny(1500)]);
      await expect(gateway.forMerchant(other).queryPayment({ outTradeNo })).rejects.toMatchObject({
        name: "NotFoundError",
      });
    }
  });

  it("Alipay: each authorising merchant pays through the one gateway; the other never finds its trade", async () => {
    for (const [mine, other, auth] of [
      ["ali-0", "ali-1", 0],
      ["ali-1", "ali-0", 1],
    ] as const) {
      const routes = report.alipay.isv?.authorizations[auth]?.control ?? [];
      const outTradeNo = fresh("CLIISV");
      await gateway.forMerchant(mine).createPayment({
        outTradeNo,
        description: "CLI ISV",
        amount: cny(2100),
        method: "native",
        notifyUrl: "https://shop.example.com/notify",
      });
      await call(routes, /^scan a precreate/, {}, { YOUR_OUT_TRADE_NO: outTradeNo });
      const paid = await call(routes, /^pay an order/, {}, { YOUR_OUT_TRADE_NO: outTradeNo });
      expect(paid.body).toMatchObject({ out_trade_no: outTradeNo, trade_status: "TRADE_SUCCESS" });
      const seen = await gateway.forMerchant(mine).queryPayment({ outTradeNo });
      expect([seen.state, seen.paidAmount]).toEqual([TradeState.PAID, cny(2100)]);
      await expect(gateway.forMerchant(other).queryPayment({ outTradeNo })).rejects.toMatchObject({
        name: "NotFoundError",
      });
    }
  });

  it("Alipay in person: a buyer planned over HTTP for one merchant's book; the same code pays at the other's", async () => {
    const authCode = `28${Date.now().toString().slice(-9)}${process.pid.toString().padStart(7, "0").slice(-7)}`;
    const [a, b] = report.alipay.isv?.authorizations ?? [];
    const planned = await call(
      a?.control ?? [],
      /^plan how the buyer/,
      { kind: "refused", subCode: "ACQ.BUYER_BALANCE_NOT_ENOUGH" },
      { YOUR_AUTH_CODE: authCode },
    );
    expect(planned.status).toBe(200);
    const sale = (outTradeNo: string) => ({
      outTradeNo,
      description: "门店",
      amount: cny(880),
      method: "barcode" as const,
      notifyUrl: "https://shop.example.com/notify",
      authCode,
    });
    const refused = await gateway.forMerchant("ali-0").createPayment(sale(fresh("CLIPOSA")));
    expect(refused.action).toMatchObject({
      type: "in_person",
      trade: { state: TradeState.FAILED, rawStatus: "ACQ.BUYER_BALANCE_NOT_ENOUGH" },
    });
    expect(b).toBeDefined();
    const paid = await gateway.forMerchant("ali-1").createPayment(sale(fresh("CLIPOSB")));
    expect(paid.action).toMatchObject({ type: "in_person", trade: { state: TradeState.PAID } });
  });

  it("WeChat in person: a refusal planned over HTTP ends failed at one sub-merchant (2); an unplanned code pays at the other (3)", async () => {
    const authCode = `1345${Date.now().toString().slice(-9)}${process.pid.toString().padStart(5, "0").slice(-5)}`;
    const planned = await call(report.wechat.control, /^plan how the buyer/, {
      auth_code: authCode,
      kind: "refused",
      code: "NOT_ENOUGH",
    });
    expect(planned).toMatchObject({ status: 200, body: { plan: { kind: "refused", code: "NOT_ENOUGH" } } });
    const bad = await call(report.wechat.control, /^plan how the buyer/, {
      auth_code: "12345",
      kind: "never_pays",
    });
    expect(bad).toMatchObject({ status: 400, body: { code: "PARAM_ERROR" } });
    const sale = (outTradeNo: string, code: string) => ({
      outTradeNo,
      description: "门店",
      amount: cny(660),
      method: "barcode" as const,
      notifyUrl: report.wechat.notifySink,
      authCode: code,
      store: { id: "SH-001", deviceId: "POS-7" },
    });
    // 付款码 for a sub-merchant goes through the partner codepay, as a real service provider's does.
    const refused = await gateway.forMerchant("wx-0").createPayment(sale(fresh("CLIWXPOS"), authCode));
    expect(refused.action).toMatchObject({ type: "in_person", trade: { state: TradeState.FAILED } });
    const other = `${authCode.slice(0, -1)}${(Number(authCode.slice(-1)) + 1) % 10}`;
    const paid = await gateway.forMerchant("wx-1").createPayment(sale(fresh("CLIWXPOS"), other));
    expect(paid.action).toMatchObject({ type: "in_person", trade: { state: TradeState.PAID } });
    const seen = await gateway.forMerchant("wx-1").queryPayment({ outTradeNo: paid.outTradeNo });
    expect([seen.state, seen.paidAmount]).toEqual([TradeState.PAID, cny(660)]);
  });

  it("WeChat: the service provider's own mchid on the direct 付款码 API is refused and books nothing", async () => {
    const outTradeNo = fresh("CLIWXSP");
    const authCode = `1346${Date.now().toString().slice(-9)}${process.pid.toString().padStart(5, "0").slice(-5)}`;
    // The client ends a codepay WeChat refused outright as a failed in-person trade, with its code.
    const refused = await gateway.forMerchant("wx-sp-direct").createPayment({
      outTradeNo,
      description: "门店",
      amount: cny(660),
      method: "barcode",
      notifyUrl: report.wechat.notifySink,
      authCode,
      store: { id: "SH-001", deviceId: "POS-7" },
    });
    expect(refused.action).toMatchObject({
      type: "in_person",
      trade: { state: TradeState.FAILED, rawStatus: "PARAM_ERROR" },
    });
    // Nothing was booked: the buyer has no order of that number to pay, under any mchid.
    const pay = await call(report.wechat.control, /^pay an order/, { out_trade_no: outTradeNo });
    expect(pay.body).toMatchObject({ code: "ORDER_NOT_EXIST" });
  });

  it("stops on SIGTERM with status 0", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
