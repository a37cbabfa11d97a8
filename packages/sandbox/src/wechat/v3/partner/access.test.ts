// Who may call which APIv3 endpoint: a 服务商's own mchid is refused on every direct order and
// 付款码 endpoint with WeChat's PARAM_ERROR "受理机构必须传入sub_mch_id" before anything is booked;
// an ordinary merchant is refused the partner endpoints, and a service provider a sub-merchant it is
// not bound to. Bare signed calls, so no client package is involved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../shared/clock.js";
import { signedCall } from "../__fixtures__/signed-call.js";
import { startWechatSandbox, type WechatSandbox } from "../server.js";

const DIRECT = "1900500001";
const SP = "1900500101";
const OTHER_SP = "1900500201";
const SUB = "1900500111";
const OTHER_SUB = "1900500211";
const SP_APPID = "wxsp00000000000005";

let sandbox: WechatSandbox;
let n = 0;
const fresh = (prefix: string) => {
  n += 1;
  return `${prefix}${Date.now().toString(36)}${n}`;
};
const authCode = () => `134${String(Date.now()).slice(-10)}${String(n).padStart(5, "0")}`;

beforeAll(async () => {
  sandbox = await startWechatSandbox({
    clock: new ManualClock(Date.now()),
    rateLimits: false,
    allowLoopbackHttpNotify: true,
    notify: { deliver: false },
    merchants: [{ mchid: DIRECT }],
    serviceProviders: [
      { mchid: SP, appid: SP_APPID, subMerchants: [{ mchid: SUB }] },
      { mchid: OTHER_SP, subMerchants: [{ mchid: OTHER_SUB }] },
    ],
  });
});
afterAll(() => sandbox?.close());

const call = (mchid: string, method: "GET" | "POST", path: string, body?: Record<string, unknown>) =>
  signedCall(sandbox.origin, sandbox.merchant(mchid), method, path, body);
const notifyUrl = () => `${sandbox.origin}/sandbox/notify-sink`;
const codePayBody = (outTradeNo: string, code: string) => ({
  appid: SP_APPID,
  mchid: SP,
  description: "门店",
  out_trade_no: outTradeNo,
  payer: { auth_code: code },
  amount: { total: 880, currency: "CNY" },
  scene_info: { device_id: "POS-1" },
});
const REFUSED = { status: 400, json: { code: "PARAM_ERROR", message: "受理机构必须传入sub_mch_id" } };

describe("a 服务商's own mchid on the direct APIs", () => {
  it("付款码 (/v3/pay/transactions/codepay) is refused and books nothing; the sub-merchant's partner call then pays", async () => {
    const no = fresh("SPDIRECT");
    const code = authCode();
    const before = sandbox.engine.listOrders().length;
    expect(await call(SP, "POST", "/v3/pay/transactions/codepay", codePayBody(no, code))).toMatchObject(
      REFUSED,
    );
    expect(sandbox.engine.listOrders()).toHaveLength(before);
    expect(sandbox.engine.peekOrder(no)).toBeUndefined();

    // The same number and code through the partner endpoint, as a real integration pays.
    const partner = await call(SP, "POST", "/v3/pay/partner/transactions/codepay", {
      ...codePayBody(no, code),
      mchid: undefined,
      appid: undefined,
      sp_appid: SP_APPID,
      sp_mchid: SP,
      sub_mchid: SUB,
    });
    expect(partner).toMatchObject({
      status: 200,
      json: { sp_mchid: SP, sub_mchid: SUB, out_trade_no: no, trade_state: "SUCCESS" },
    });
    expect(sandbox.engine.peekOrder(no, SUB)?.tradeState).toBe("SUCCESS");
    expect(sandbox.engine.peekOrder(no, SP)).toBeUndefined();
  });

  it.each([
    ["jsapi", { payer: { openid: "o-buyer-0001" } }],
    ["native", {}],
    ["h5", { scene_info: { payer_client_ip: "127.0.0.1", h5_info: { type: "Wap" } } }],
    ["app", {}],
  ])("下单 /v3/pay/transactions/%s is refused and books nothing", async (channel, extra) => {
    const no = fresh("SPORDER");
    const res = await call(SP, "POST", `/v3/pay/transactions/${channel}`, {
      appid: SP_APPID,
      mchid: SP,
      description: "d",
      out_trade_no: no,
      notify_url: notifyUrl(),
      amount: { total: 100, currency: "CNY" },
      ...extra,
    });
    expect(res).toMatchObject(REFUSED);
    expect(sandbox.engine.peekOrder(no)).toBeUndefined();
  });

  it("query, close, 撤销 and refunds without sub_mchid are refused, even for its sub-merchant's order", async () => {
    const no = fresh("SPOWN");
    const paid = await call(SP, "POST", "/v3/pay/partner/transactions/codepay", {
      sp_appid: SP_APPID,
      sp_mchid: SP,
      sub_mchid: SUB,
      description: "门店",
      out_trade_no: no,
      payer: { auth_code: authCode() },
      amount: { total: 500, currency: "CNY" },
      scene_info: { device_id: "POS-1" },
    });
    expect(paid.status).toBe(200);
    const transactionId = String(paid.json.transaction_id);
    for (const [method, path, body] of [
      ["GET", `/v3/pay/transactions/out-trade-no/${no}?mchid=${SP}`, undefined],
      ["GET", `/v3/pay/transactions/id/${transactionId}?mchid=${SP}`, undefined],
      ["POST", `/v3/pay/transactions/out-trade-no/${no}/close`, { mchid: SP }],
      ["POST", `/v3/pay/transactions/out-trade-no/${no}/reverse`, { appid: SP_APPID, mchid: SP }],
      [
        "POST",
        "/v3/refund/domestic/refunds",
        { out_trade_no: no, out_refund_no: `${no}R`, amount: { refund: 100, total: 500, currency: "CNY" } },
      ],
      ["GET", `/v3/refund/domestic/refunds/${no}R`, undefined],
    ] as const) {
      expect([path, await call(SP, method, path, body)]).toMatchObject([path, REFUSED]);
    }
    // The paid order is untouched: not reversed, no refund booked.
    expect(sandbox.engine.peekOrder(no, SUB)?.tradeState).toBe("SUCCESS");
    expect(sandbox.engine.refundsOf(no, SUB)).toEqual([]);
  });

  it("an ordinary merchant still pays by 付款码 on the direct endpoint", async () => {
    const no = fresh("DIRECT");
    const m = sandbox.merchant(DIRECT);
    const res = await call(DIRECT, "POST", "/v3/pay/transactions/codepay", {
      ...codePayBody(no, authCode()),
      appid: m.appid,
      mchid: DIRECT,
    });
    expect(res).toMatchObject({ status: 200, json: { mchid: DIRECT, trade_state: "SUCCESS" } });
  });
});

describe("the partner APIs", () => {
  const partnerCodePay = (sp: string, sub: string, spMchid = sp) => ({
    sp_appid: sandbox.merchant(sp).appid,
    sp_mchid: spMchid,
    sub_mchid: sub,
    description: "门店",
    out_trade_no: fresh("PARTNER"),
    payer: { auth_code: authCode() },
    amount: { total: 300, currency: "CNY" },
    scene_info: { device_id: "POS-1" },
  });

  it("refuse an ordinary merchant: 普通商户不允许传sub_mch_id", async () => {
    const body = partnerCodePay(SP, SUB, DIRECT);
    const res = await call(DIRECT, "POST", "/v3/pay/partner/transactions/codepay", body);
    expect(res).toMatchObject({
      status: 400,
      json: { code: "PARAM_ERROR", message: "普通商户不允许传sub_mch_id" },
    });
    expect(sandbox.engine.peekOrder(body.out_trade_no)).toBeUndefined();
  });

  it("refuse a sub_mchid bound to another service provider, and an sp_mchid that is not the signer", async () => {
    const stranger = partnerCodePay(SP, OTHER_SUB);
    expect(await call(SP, "POST", "/v3/pay/partner/transactions/codepay", stranger)).toMatchObject({
      status: 400,
      json: { code: "PARAM_ERROR", message: `服务商 ${SP} 与子商户 ${OTHER_SUB} 不存在受理关系` },
    });
    const posing = partnerCodePay(OTHER_SP, SUB, SP);
    expect(await call(OTHER_SP, "POST", "/v3/pay/partner/transactions/codepay", posing)).toMatchObject({
      status: 400,
      json: { code: "PARAM_ERROR" },
    });
    const missing = { ...partnerCodePay(SP, SUB), sub_mchid: undefined };
    expect(await call(SP, "POST", "/v3/pay/partner/transactions/codepay", missing)).toMatchObject(REFUSED);
    for (const body of [stranger, posing, missing]) {
      expect(sandbox.engine.peekOrder(body.out_trade_no)).toBeUndefined();
    }
  });
});
