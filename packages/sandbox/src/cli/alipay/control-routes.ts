import { type ControlRoute, controlRoute } from "../simulator.js";

/** The Alipay simulator's test-control API (handled in alipay/server.ts under /__sandbox/, unsigned). */
export function alipayControlRoutes(origin: string, appAuthToken?: string): ControlRoute[] {
  const c = `${origin}/__sandbox`;
  // Behind an ISV gateway, ?app_auth_token= picks the authorising merchant's book.
  const routes: ControlRoute[] = [
    controlRoute("pay an order as the buyer", "POST", `${c}/trades/YOUR_OUT_TRADE_NO/pay`),
    controlRoute(
      "scan a precreate QR code without paying (until then the trade does not exist at Alipay)",
      "POST",
      `${c}/trades/YOUR_OUT_TRADE_NO/scan`,
    ),
    controlRoute(
      "fail the buyer's payment attempt (the trade stays WAIT_BUYER_PAY)",
      "POST",
      `${c}/trades/YOUR_OUT_TRADE_NO/fail`,
    ),
    controlRoute(
      "plan how the buyer showing a 付款码 behaves (pays_at_once, pays_after, never_pays, fails_after, refused)",
      "POST",
      `${c}/buyers/YOUR_AUTH_CODE/plan`,
      { kind: "pays_after", afterMs: 20_000 },
    ),
    controlRoute(
      "advance the sandbox clock (ms); unpaid trades expire, notification retries run",
      "POST",
      `${c}/clock/advance`,
      {
        ms: 60_000,
      },
    ),
    controlRoute("inject a fault into the next matching call", "POST", `${c}/faults`, {
      kind: "system_error",
      method: "alipay.trade.refund",
    }),
    controlRoute(
      "how notifications travel: duplicates, parallel senders, late (sandbox ms), held until released",
      "POST",
      `${c}/delivery-mode`,
      { duplicates: 1, senders: 2, lateMs: 0, hold: false },
    ),
    controlRoute("send held notifications (order: built or reverse)", "POST", `${c}/release-notifications`, {
      order: "reverse",
    }),
    controlRoute(
      "certificate mode: issue a new Alipay public-key certificate (new key and alipay_cert_sn; keep_key, rogue: self_signed | other_root | expired)",
      "POST",
      `${c}/certificates/rotate`,
      { keep_key: false },
    ),
    controlRoute(
      "certificate mode: the alipay_cert_sn in use, every SN issued, the certificate downloads asked for",
      "GET",
      `${c}/certificates`,
    ),
    controlRoute("list notification delivery attempts", "GET", `${c}/notifications`),
    controlRoute("read the whole state (clock, trades, refunds, pending faults)", "GET", `${c}/state`),
  ];
  if (appAuthToken === undefined) return routes;
  const query = `?app_auth_token=${encodeURIComponent(appAuthToken)}`;
  return routes.map((r) => controlRoute(r.purpose, r.method, `${r.url}${query}`, r.body));
}
