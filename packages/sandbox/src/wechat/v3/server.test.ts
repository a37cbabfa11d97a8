import { generateKeyPairSync, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aeadDecrypt } from "../../shared/aead.js";
import { ManualClock } from "../../shared/clock.js";
import { startWechatSandbox, type WechatSandbox } from "./server.js";
import { AUTH_SCHEME, requestMessage, responseMessage, rsaSign, rsaVerify } from "./signing.js";

const attackerKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/** A bare APIv3 client: enough to test the simulator's own checks without the provider. */
async function call(
  sandbox: WechatSandbox,
  method: "GET" | "POST",
  path: string,
  body = "",
  tweak: { serial?: string; timestamp?: number; key?: string } = {},
) {
  const m = sandbox.merchant();
  const timestamp = String(tweak.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString("hex");
  const signature = rsaSign(tweak.key ?? m.privateKey, requestMessage(method, path, timestamp, nonce, body));
  const authorization = `${AUTH_SCHEME} mchid="${m.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${tweak.serial ?? m.serialNo}",signature="${signature}"`;
  const res = await fetch(`${sandbox.origin}${path}`, {
    method,
    headers: { Authorization: authorization, "Content-Type": "application/json", Accept: "application/json" },
    ...(method === "POST" ? { body } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe("WeChat v3 sandbox server", () => {
  let sandbox: WechatSandbox;
  beforeAll(async () => {
    sandbox = await startWechatSandbox({ clock: new ManualClock(Date.now()), allowLoopbackHttpNotify: true });
  });
  afterAll(() => sandbox.close());

  const order = (no: string) =>
    JSON.stringify({
      appid: sandbox.merchant().appid,
      mchid: sandbox.merchant().mchid,
      description: "d",
      out_trade_no: no,
      notify_url: `${sandbox.origin}/sandbox/notify-sink`,
      amount: { total: 100, currency: "CNY" },
    });

  it("accepts a signed request, serial in any case, and signs the answer", async () => {
    const res = await call(sandbox, "POST", "/v3/pay/transactions/native", order("SRV000001"), {
      serial: sandbox.merchant().serialNo.toLowerCase(),
    });
    expect(res.status).toBe(200);
    expect(res.json.code_url).toMatch(/^weixin:/);
    const message = responseMessage(
      res.headers.get("wechatpay-timestamp") ?? "",
      res.headers.get("wechatpay-nonce") ?? "",
      res.text,
    );
    expect(res.headers.get("wechatpay-serial")).toBe(sandbox.platform.certificateSerial);
    expect(
      rsaVerify(
        sandbox.platform.certificateKeys.publicKey,
        message,
        res.headers.get("wechatpay-signature") ?? "",
      ),
    ).toBe(true);
  });

  it.each([
    ["a wrong key", { key: attackerKey }],
    ["a stale timestamp", { timestamp: Math.floor(Date.now() / 1000) - 301 }],
    ["another serial", { serial: "0123456789ABCDEF" }],
  ])("answers 401 SIGN_ERROR to %s", async (_label, tweak) => {
    const res = await call(
      sandbox,
      "GET",
      `/v3/pay/transactions/out-trade-no/SRV000001?mchid=${sandbox.merchant().mchid}`,
      "",
      tweak,
    );
    expect([res.status, res.json.code]).toEqual([401, "SIGN_ERROR"]);
  });

  it("serves the platform certificate encrypted with the APIv3 key", async () => {
    const res = await call(sandbox, "GET", "/v3/certificates");
    const entry = (
      res.json.data as {
        serial_no: string;
        encrypt_certificate: { ciphertext: string; nonce: string; associated_data: string };
      }[]
    )[0];
    expect(entry?.serial_no).toBe(sandbox.platform.certificateSerial);
    expect(
      aeadDecrypt(
        entry?.encrypt_certificate ?? { ciphertext: "", nonce: "", associated_data: "" },
        sandbox.merchant().apiV3Key,
      ),
    ).toBe(sandbox.platform.certificatePem);
  });

  it("drives the buyer and reads state through the HTTP control API", async () => {
    await call(sandbox, "POST", "/v3/pay/transactions/native", order("SRV000002"));
    const before = await fetch(`${sandbox.origin}/sandbox/control/requests`).then(
      (r) => r.json() as Promise<{ count: number }>,
    );
    const paid = await fetch(`${sandbox.origin}/sandbox/control/pay`, {
      method: "POST",
      body: JSON.stringify({ out_trade_no: "SRV000002" }),
    });
    expect(paid.status).toBe(200);
    const q = await call(
      sandbox,
      "GET",
      `/v3/pay/transactions/out-trade-no/SRV000002?mchid=${sandbox.merchant().mchid}`,
    );
    expect(q.json.trade_state).toBe("SUCCESS");
    const list = await fetch(
      `${sandbox.origin}/sandbox/control/notifications?out_trade_no=SRV000002&kind=trade`,
    ).then((r) => r.json() as Promise<{ notifications: { eventType: string }[] }>);
    expect(list.notifications.map((n) => n.eventType)).toEqual(["TRANSACTION.SUCCESS"]);
    const after = await fetch(`${sandbox.origin}/sandbox/control/requests`).then(
      (r) => r.json() as Promise<{ count: number }>,
    );
    // Control calls are not counted; the one /v3 query is.
    expect(after.count - before.count).toBe(1);
    const fault = await fetch(`${sandbox.origin}/sandbox/control/fault`, {
      method: "POST",
      body: JSON.stringify({ kind: "NOPE" }),
    });
    expect(fault.status).toBe(400);
  });

  it("drops a paid notification for good when told (drop-notification), and only that one", async () => {
    let received = 0;
    const { createServer } = await import("node:http");
    const sink = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received += 1;
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
    const port = (sink.address() as { port: number }).port;
    const create = (no: string) =>
      call(
        sandbox,
        "POST",
        "/v3/pay/transactions/native",
        JSON.stringify({
          appid: sandbox.merchant().appid,
          mchid: sandbox.merchant().mchid,
          description: "d",
          out_trade_no: no,
          notify_url: `http://127.0.0.1:${port}/notify`,
          amount: { total: 100, currency: "CNY" },
        }),
      );
    try {
      await create("SRVDROP01");
      await create("SRVDROP02");
      const bad = await fetch(`${sandbox.origin}/sandbox/control/drop-notification`, {
        method: "POST",
        body: JSON.stringify({ kind: "nope" }),
      });
      expect(bad.status).toBe(400);
      const ok = await fetch(`${sandbox.origin}/sandbox/control/drop-notification`, {
        method: "POST",
        body: JSON.stringify({ out_trade_no: "SRVDROP01", kind: "trade" }),
      });
      expect(ok.status).toBe(200);
      sandbox.control.pay("SRVDROP01");
      sandbox.control.pay("SRVDROP02");
      const kept = await sandbox.control.nextNotification("SRVDROP02", "trade");
      const dropped = sandbox.control.notifications({ outTradeNo: "SRVDROP01" })[0];
      expect(dropped).toMatchObject({ dropped: true, finished: true, delivered: false });
      for (let i = 0; i < 400 && !kept.delivered; i += 1) await new Promise((r) => setTimeout(r, 25));
      expect(kept.delivered).toBe(true);
      // Retries fall due on the sandbox clock; a dropped notification is never among them.
      sandbox.control.advance(24 * 3600_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(dropped?.deliveries).toEqual([]);
      expect(received).toBe(1);
    } finally {
      await new Promise((r) => sink.close(r));
    }
  });

  it("answers an injected SYSTEM_ERROR with an unsigned 500", async () => {
    sandbox.control.injectFault({ kind: "SYSTEM_ERROR" });
    const res = await call(
      sandbox,
      "GET",
      `/v3/pay/transactions/out-trade-no/SRV000002?mchid=${sandbox.merchant().mchid}`,
    );
    expect([res.status, res.json.code, res.headers.get("wechatpay-signature")]).toEqual([
      500,
      "SYSTEM_ERROR",
      null,
    ]);
  });
});

describe("WeChat v3 sandbox: as strict as production", () => {
  let strict: WechatSandbox;
  let loose: WechatSandbox;
  beforeAll(async () => {
    strict = await startWechatSandbox({ clock: new ManualClock(Date.now()) });
    loose = await startWechatSandbox({ clock: new ManualClock(Date.now()), allowLoopbackHttpNotify: true });
  });
  afterAll(async () => {
    await strict.close();
    await loose.close();
  });
  const body = (s: WechatSandbox, no: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      appid: s.merchant().appid,
      mchid: s.merchant().mchid,
      description: "d",
      out_trade_no: no,
      notify_url: "https://shop.example/wechat/notify",
      amount: { total: 100, currency: "CNY" },
      ...extra,
    });

  it("enforces the notify_url rules: https, at most 256 bytes, no query string", async () => {
    const native = "/v3/pay/transactions/native";
    expect((await call(strict, "POST", native, body(strict, "NU0000001"))).status).toBe(200);
    for (const [no, url, rule] of [
      ["NU0000002", "http://127.0.0.1:9/notify", /https/],
      ["NU0000003", "http://shop.example/notify", /https/],
      ["NU0000004", "https://shop.example/notify?order=1", /查询参数/],
      ["NU0000005", `https://shop.example/${"a".repeat(240)}`, /256/],
    ] as const) {
      const res = await call(strict, "POST", native, body(strict, no, { notify_url: url }));
      expect([res.status, res.json.code]).toEqual([400, "PARAM_ERROR"]);
      expect(String(res.json.message)).toMatch(/notify_url/);
      expect(String(res.json.message)).toMatch(rule);
    }
    // Nothing half written: a refused order does not exist.
    expect(strict.engine.peekOrder("NU0000002")).toBeUndefined();
  });

  it("accepts loopback http notify_url only in allowLoopbackHttpNotify mode, and never a public http one", async () => {
    const native = "/v3/pay/transactions/native";
    const ok = await call(
      loose,
      "POST",
      native,
      body(loose, "NL0000001", { notify_url: "http://127.0.0.1:9/n" }),
    );
    expect(ok.status).toBe(200);
    const pub = await call(
      loose,
      "POST",
      native,
      body(loose, "NL0000002", { notify_url: "http://shop.example/n" }),
    );
    expect([pub.status, pub.json.code]).toEqual([400, "PARAM_ERROR"]);
  });

  it("refuses 4-byte UTF-8 characters (APIv3 takes 1-3 byte characters only), naming the field", async () => {
    const res = await call(
      strict,
      "POST",
      "/v3/pay/transactions/native",
      body(strict, "EM0000001", { description: "咖啡☕🍰" }),
    );
    expect([res.status, res.json.code]).toEqual([400, "INVALID_REQUEST"]);
    expect(String(res.json.message)).toMatch(/^description /);
    // Three-byte characters (Chinese, ☕ U+2615) are fine.
    const fine = await call(
      strict,
      "POST",
      "/v3/pay/transactions/native",
      body(strict, "EM0000002", { description: "咖啡☕" }),
    );
    expect(fine.status).toBe(200);
  });

  it("gives a paid Native order a payer.openid in the query", async () => {
    await call(strict, "POST", "/v3/pay/transactions/native", body(strict, "OP0000001"));
    strict.control.pay("OP0000001");
    const q = await call(
      strict,
      "GET",
      `/v3/pay/transactions/out-trade-no/OP0000001?mchid=${strict.merchant().mchid}`,
    );
    expect((q.json.payer as { openid?: string } | undefined)?.openid).toMatch(/^o[\w-]{27}$/);
  });

  it("answers a paid order's close with the v3 page's 400 INVALID_REQUEST, not the v2 ORDERPAID", async () => {
    await call(strict, "POST", "/v3/pay/transactions/native", body(strict, "CP0000001"));
    strict.control.pay("CP0000001");
    const res = await call(
      strict,
      "POST",
      "/v3/pay/transactions/out-trade-no/CP0000001/close",
      JSON.stringify({ mchid: strict.merchant().mchid }),
    );
    expect([res.status, res.json.code]).toEqual([400, "INVALID_REQUEST"]);
    expect(res.headers.get("wechatpay-signature")).toBeTruthy();
  });

  it("answers an unknown path 404 before authentication, unsigned", async () => {
    const signed = await call(strict, "GET", "/v3/pay/transactions/unknown/thing");
    const unsigned = await fetch(`${strict.origin}/v3/no/such/api`);
    for (const res of [signed, unsigned]) {
      expect(res.status).toBe(404);
      expect(res.headers.get("wechatpay-signature")).toBeNull();
    }
  });
});
