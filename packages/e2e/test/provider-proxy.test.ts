import { Agent, createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { AlipayProvider } from "@paybridge/alipay";
import { cny, PaymentError, silentLogger, TradeState } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import {
  type AlipaySandbox,
  ManualClock,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { ProxyAgent } from "alipay-sdk";
import { createProxy, type ProxyServer } from "proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Both providers through a real forward proxy (the `proxy` package, the one https-proxy-agent's
 * own tests use) on an ephemeral port, with Basic credentials: every call to the sandboxes crosses
 * it, the proxy counts them, and the answers still verify (a signature or a tunnel broken on the
 * way would fail the call). With the proxy down, calls fail instead of going around it.
 */

const USER = "pb";
const PASSWORD = "s3cret:&@";

interface CountingProxy {
  readonly url: string;
  /** CONNECT tunnels opened, and plain forward requests, with valid credentials. */
  readonly counts: { connect: number; forward: number; refused: number };
  close(): Promise<void>;
}

async function startProxy(): Promise<CountingProxy> {
  const server: ProxyServer = createProxy(createServer());
  const counts = { connect: 0, forward: 0, refused: 0 };
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
  server.authenticate = (req: IncomingMessage) => {
    const ok = req.headers["proxy-authorization"] === expected;
    if (!ok) counts.refused += 1;
    else if (req.method === "CONNECT") counts.connect += 1;
    else counts.forward += 1;
    return ok;
  };
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const total = (p: CountingProxy) => p.counts.connect + p.counts.forward;

describe("WeChat Pay APIv3 through an HTTP proxy", () => {
  let wechat: WechatSandbox;
  let proxy: CountingProxy;
  let provider: WechatPayProvider;

  beforeAll(async () => {
    wechat = await startWechatSandbox({
      clock: new ManualClock(Date.now()),
      merchants: [{ keyMode: "public_key" }],
    });
    proxy = await startProxy();
    provider = new WechatPayProvider(
      { ...wechat.merchantConfig(), proxy: proxy.url },
      { merchantId: "wx-proxy", logger: silentLogger, clock: () => new Date() },
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await wechat?.close();
  });

  it("sends every call through the proxy, one tunnel per request, and the answers verify", async () => {
    const outTradeNo = uniqueOutTradeNo("PX");
    const before = wechat.control.requestCount();
    const created = await provider.createPayment({
      outTradeNo,
      description: "代理测试",
      amount: cny(1234),
      method: "native",
      notifyUrl: "https://shop.example/notify/wx-proxy",
    });
    expect(created.action).toMatchObject({ type: "qr_code", content: expect.stringMatching(/^weixin:\/\//) });
    wechat.control.pay(outTradeNo);
    const paid = await provider.queryPayment({ outTradeNo });
    expect(paid).toMatchObject({ state: TradeState.PAID, paidAmount: cny(1234) });
    const sent = wechat.control.requestCount() - before;
    expect(sent).toBeGreaterThanOrEqual(2);
    // A CONNECT tunnel per request (the raw signed path is sent inside it), each with the credentials.
    expect(proxy.counts.connect).toBe(sent);
    expect(proxy.counts.refused).toBe(0);
  });

  it("a merchant's own http.Agent (agent) carries the calls instead", async () => {
    let sockets = 0;
    class CountingAgent extends Agent {
      override createConnection(...args: Parameters<Agent["createConnection"]>) {
        sockets += 1;
        return super.createConnection(...args);
      }
    }
    const agent = new CountingAgent({ keepAlive: true });
    const own = new WechatPayProvider(
      { ...wechat.merchantConfig(), agent },
      { merchantId: "wx-agent", logger: silentLogger, clock: () => new Date() },
    );
    const tunnels = total(proxy);
    const outTradeNo = uniqueOutTradeNo("PG");
    await own.createPayment({
      outTradeNo,
      description: "自带 Agent",
      amount: cny(99),
      method: "native",
      notifyUrl: "https://shop.example/notify/wx-agent",
    });
    expect(await own.queryPayment({ outTradeNo })).toMatchObject({ state: TradeState.UNPAID });
    // Both calls on the agent's one kept-alive socket, none through the proxy.
    expect(sockets).toBe(1);
    expect(total(proxy)).toBe(tunnels);
    agent.destroy();
  });

  it("with wrong credentials the proxy refuses and the call fails before reaching WeChat", async () => {
    const wrong = new WechatPayProvider(
      { ...wechat.merchantConfig(), proxy: proxy.url.replace(encodeURIComponent(PASSWORD), "nope") },
      { merchantId: "wx-proxy-bad", logger: silentLogger, clock: () => new Date() },
    );
    const before = wechat.control.requestCount();
    const refused = proxy.counts.refused;
    await expect(wrong.queryPayment({ outTradeNo: uniqueOutTradeNo("PX") })).rejects.toBeInstanceOf(
      PaymentError,
    );
    expect(proxy.counts.refused).toBe(refused + 1);
    expect(wechat.control.requestCount()).toBe(before);
  });
});

describe("Alipay through an HTTP proxy", () => {
  const DAY = "2026-03-01";
  const at = (beijing: string) => new Date(`${beijing}+08:00`);
  let alipay: AlipaySandbox;
  let proxy: CountingProxy;
  let provider: AlipayProvider;

  beforeAll(async () => {
    alipay = await startAlipaySandbox({ startTime: at(`${DAY}T09:00:00`) });
    proxy = await startProxy();
    provider = new AlipayProvider(
      { ...alipay.merchantConfig(), proxy: proxy.url },
      { merchantId: "ali-proxy", logger: silentLogger, clock: () => new Date() },
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await alipay?.close();
  });

  it("sends gateway calls through the proxy and the signed answers verify", async () => {
    const outTradeNo = uniqueOutTradeNo("PA");
    const calls = alipay.calls().length;
    await provider.createPayment({
      outTradeNo,
      description: "代理测试",
      amount: cny(4321),
      method: "native",
      notifyUrl: "http://127.0.0.1:9/alipay/notify",
    });
    alipay.scan(outTradeNo);
    await alipay.pay(outTradeNo);
    expect(await provider.queryPayment({ outTradeNo })).toMatchObject({
      state: TradeState.PAID,
      paidAmount: cny(4321),
    });
    expect(alipay.calls().length - calls).toBeGreaterThanOrEqual(2);
    // undici keeps a tunnel alive across calls, so there are at most as many tunnels as calls.
    expect(total(proxy)).toBeGreaterThanOrEqual(1);
    expect(total(proxy)).toBeLessThanOrEqual(alipay.calls().length - calls);
    expect(proxy.counts.refused).toBe(0);
  });

  it("downloads the trade bill through the proxy as well (proxyAgent: alipay-sdk's ProxyAgent)", async () => {
    await alipay.advanceClock(at("2026-03-02T09:00:01").getTime() - alipay.now().getTime());
    // The gateway call and the download share the pooled tunnel to the one sandbox origin, so the
    // proxy's count cannot tell them apart: the dispatcher records what it carried.
    const carried: string[] = [];
    class RecordingProxyAgent extends ProxyAgent {
      override dispatch(
        options: Parameters<ProxyAgent["dispatch"]>[0],
        handler: Parameters<ProxyAgent["dispatch"]>[1],
      ) {
        carried.push(String(options.path));
        return super.dispatch(options, handler);
      }
    }
    const proxyAgent = new RecordingProxyAgent(proxy.url);
    const viaAgent = new AlipayProvider(
      { ...alipay.merchantConfig(), proxyAgent },
      { merchantId: "ali-proxy-agent", logger: silentLogger, clock: () => new Date() },
    );
    const tunnels = total(proxy);
    const bill = await viaAgent.tradeBill({ billDate: DAY });
    const chunks: Buffer[] = [];
    for await (const c of bill.body) chunks.push(c as Buffer);
    // A zip file (PK\x03\x04), fetched from the sandbox's download URL.
    expect(Buffer.concat(chunks).subarray(0, 2).toString("latin1")).toBe("PK");
    const downloadPath = new URL(bill.downloadUrl).pathname;
    expect(carried.some((p) => p.startsWith("/gateway.do"))).toBe(true);
    expect(carried.some((p) => p.startsWith(downloadPath))).toBe(true);
    expect(total(proxy)).toBeGreaterThan(tunnels);
    expect(proxy.counts.refused).toBe(0);
    await proxyAgent.close();
  });

  it("with the proxy down every call fails instead of going around it", async () => {
    await proxy.close();
    const calls = alipay.calls().length;
    await expect(provider.queryPayment({ outTradeNo: uniqueOutTradeNo("PA") })).rejects.toBeInstanceOf(
      PaymentError,
    );
    expect(alipay.calls().length).toBe(calls);
  });
});
