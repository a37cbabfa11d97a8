import { type ControlRoute, controlRoute } from "../simulator.js";

/**
 * The WeChat simulator's test-control API (handled by wechat/v3/control.ts; unsigned, because it is
 * what a buyer, an operator or time would do, not part of WeChat Pay's API).
 */
export function wechatControlRoutes(origin: string): ControlRoute[] {
  const c = `${origin}/sandbox/control`;
  return [
    controlRoute("pay an order as the buyer", "POST", `${c}/pay`, { out_trade_no: "YOUR_OUT_TRADE_NO" }),
    controlRoute("fail an order's payment (PAYERROR)", "POST", `${c}/fail`, {
      out_trade_no: "YOUR_OUT_TRADE_NO",
    }),
    controlRoute("let the buyer walk away (the order stays unpaid)", "POST", `${c}/never-pay`, {
      out_trade_no: "YOUR_OUT_TRADE_NO",
    }),
    controlRoute(
      "plan how the buyer showing a 付款码 behaves (pays_at_once, pays_after, never_pays, fails_after, refused)",
      "POST",
      `${c}/buyer-plan`,
      { auth_code: "134567890123456789", kind: "pays_after", after_ms: 20_000 },
    ),
    controlRoute("advance the sandbox clock (ms); due refunds settle and notify", "POST", `${c}/advance`, {
      ms: 60_000,
    }),
    controlRoute("inject a fault into the next matching call", "POST", `${c}/fault`, {
      kind: "SYSTEM_ERROR",
      operation: "refund",
      times: 1,
    }),
    controlRoute("decide how a PROCESSING refund ends", "POST", `${c}/refund-outcome`, {
      out_refund_no: "YOUR_OUT_REFUND_NO",
      outcome: "ABNORMAL",
    }),
    controlRoute(
      "list notifications sent (headers, body, delivery attempts)",
      "GET",
      `${c}/notifications?out_trade_no=YOUR_OUT_TRADE_NO`,
    ),
    controlRoute(
      "put the merchant in a key mode (switch: start the notification ramp now)",
      "POST",
      `${c}/key-mode`,
      {
        mchid: "YOUR_MCHID",
        mode: "switch",
      },
    ),
    controlRoute(
      "rotate the platform certificate (the new one signs from now on)",
      "POST",
      `${c}/rotate-certificate`,
      {
        retire_previous: false,
      },
    ),
    controlRoute("decrypt a sensitive field as WeChat would (RSA-OAEP)", "POST", `${c}/sensitive-decrypt`, {
      ciphertext: "BASE64",
      wechatpay_serial: "PUB_KEY_ID_...",
    }),
    controlRoute("count /v3 requests received", "GET", `${c}/requests`),
    controlRoute("read the merchant credentials (keys included)", "GET", `${c}/credentials`),
  ];
}
