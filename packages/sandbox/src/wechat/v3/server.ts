import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { aeadEncrypt } from "../../shared/aead.js";
import { AnswerRewriteQueue } from "../../shared/answer-rewrite.js";
import { formatBeijingTime } from "../../shared/time-format.js";
import { WechatBillDesk } from "../bills/bill-desk.js";
import { type WechatEngineOptions, WechatMerchantEngine } from "../engine/engine.js";
import { WechatEngineError, WechatTransportFault } from "../engine/errors.js";
import type { WechatOperation } from "../engine/faults.js";
import type { WechatOrderChannel } from "../engine/types.js";
import { createControl, handleControlRequest, type WechatSandboxControl } from "./control.js";
import {
  createMerchant,
  createPlatformKeys,
  merchantCredentials,
  type WechatPlatformKeys,
  type WechatSandboxMerchant,
  type WechatSandboxMerchantConfig,
  type WechatSandboxMerchantOptions,
  wechatMerchantConfig,
} from "./credentials.js";
import { type PlatformCertificate, WechatKeyRing } from "./key-ring.js";
import { type NotifierOptions, type SentNotification, WechatNotifier } from "./notifier.js";
import { renderRefund, renderTransaction } from "./render.js";
import {
  type ParsedAuthorization,
  parseAuthorization,
  requestMessage,
  rsaVerify,
  signedHeaders,
} from "./signing.js";
import { type Json, obj, optObj, optStr, parseJsonBody, readRefundBody, str } from "./wire-input.js";
import { assertNoFourByteCharacters, assertNotifyUrl } from "./wire-rules.js";

export interface WechatSandboxOptions extends WechatEngineOptions {
  /** Merchants to create; one merchant in platform-certificate mode when omitted. */
  readonly merchants?: readonly WechatSandboxMerchantOptions[];
  /** WeChat Pay's own keys (e.g. read back from files, so a restarted sandbox keeps them); fresh when omitted. */
  readonly platform?: WechatPlatformKeys;
  /** Wall clock for request / response signature timestamps (ms). Business time is `clock`. */
  readonly wireNow?: () => number;
  /** How far a request timestamp may be from the wire clock (WeChat: 5 minutes). */
  readonly signatureWindowMs?: number;
  readonly notify?: NotifierOptions;
  readonly host?: string;
  readonly port?: number;
  /** How long a TIMEOUT fault holds the connection before dropping it (default 60 s). */
  readonly timeoutHoldMs?: number;
  /** How often refunds that came due are settled and notified (default 100 ms). */
  readonly settleIntervalMs?: number;
  /**
   * Accept plain-http notify_url on loopback hosts (127.0.0.0/8, localhost, [::1]). Off by default:
   * WeChat accepts https only, so an integration that passes here must also pass live. Tests and
   * demos that receive notifications on a local http server turn it on explicitly.
   */
  readonly allowLoopbackHttpNotify?: boolean;
}

export interface WechatSandbox {
  /** http://127.0.0.1:PORT: configure the provider's origin with it. */
  readonly origin: string;
  readonly merchants: readonly WechatSandboxMerchant[];
  /** The merchant with `mchid`, or the first one. */
  merchant(mchid?: string): WechatSandboxMerchant;
  /** Ready-made @paybridge/wechatpay configuration for the merchant with `mchid`, or the first one. */
  merchantConfig(mchid?: string): WechatSandboxMerchantConfig;
  readonly platform: WechatPlatformKeys;
  /** Which key signs what per merchant now: modes, the switch ramp, rotated certificates. */
  readonly keys: WechatKeyRing;
  readonly engine: WechatMerchantEngine;
  readonly control: WechatSandboxControl;
  /** Every notification built so far, with the exact headers and body sent. */
  readonly notifications: readonly SentNotification[];
  close(): Promise<void>;
}

type Reply = { status: number; body?: unknown; signed?: boolean; file?: Buffer };

const CHANNEL_PATH = /^\/v3\/pay\/transactions\/(jsapi|native|h5|app)$/;
const BY_OUT_TRADE_NO = /^\/v3\/pay\/transactions\/out-trade-no\/([^/?]+)$/;
const BY_TRANSACTION_ID = /^\/v3\/pay\/transactions\/id\/([^/?]+)$/;
const CLOSE = /^\/v3\/pay\/transactions\/out-trade-no\/([^/?]+)\/close$/;
const REFUND_BY_NO = /^\/v3\/refund\/domestic\/refunds\/([^/?]+)$/;
const REFUNDS = /^\/v3\/refund\/domestic\/refunds$/;
const CERTIFICATES = /^\/v3\/certificates$/;
const TRADE_BILL = /^\/v3\/bill\/tradebill$/;
const BILL_FILE = /^\/v3\/billdownload\/file$/;

/** Whether the simulator has an API at `method pathname`; anything else is answered 404 before authentication. */
function knownApi(method: string, pathname: string): boolean {
  if (method === "POST") return [CHANNEL_PATH, CLOSE, REFUNDS].some((re) => re.test(pathname));
  if (method === "GET") {
    return [BY_OUT_TRADE_NO, BY_TRANSACTION_ID, REFUND_BY_NO, CERTIFICATES, TRADE_BILL, BILL_FILE].some(
      (re) => re.test(pathname),
    );
  }
  return false;
}

/**
 * Starts the WeChat Pay APIv3 simulator on 127.0.0.1 (a random port unless `port` is given):
 * signed requests verified, signed responses in platform-certificate or public-key mode, state in
 * a WechatMerchantEngine, signed and encrypted notifications with retries, fault injection.
 */
export async function startWechatSandbox(options: WechatSandboxOptions = {}): Promise<WechatSandbox> {
  const engine = new WechatMerchantEngine(options);
  const wireNow = options.wireNow ?? Date.now;
  const allowLoopbackHttp = options.allowLoopbackHttpNotify === true;
  const windowMs = options.signatureWindowMs ?? 5 * 60_000;
  const platform = options.platform ?? createPlatformKeys(new Date(wireNow()));
  const merchants = (options.merchants ?? [{}]).map((m) => createMerchant(m, platform));
  const byMchid = new Map(merchants.map((m) => [m.mchid, m]));
  for (const m of merchants) engine.addMerchant({ mchid: m.mchid, appids: m.appids });
  const keys = new WechatKeyRing(platform, engine.clock, wireNow);
  for (const m of merchants) keys.setMode(m.mchid, m.keyMode, m.switch);

  const notifier = new WechatNotifier(
    (id) => byMchid.get(id),
    (m) => keys.notificationSigner(m),
    engine.clock,
    wireNow,
    options.notify,
  );
  engine.onEvent((event) => notifier.handle(event));
  const bills = new WechatBillDesk(engine);

  let requests = 0;
  // Answers a test asked to go out "for something else" or without a field (control.rewriteAnswer).
  const rewrites = new AnswerRewriteQueue<WechatOperation>();
  const held = new Set<ServerResponse>();
  const control = createControl(
    engine,
    notifier,
    keys,
    () => requests,
    (mchid) => byMchid.get(mchid)?.publicKey,
    rewrites,
  );
  const credentialsOf = (m: WechatSandboxMerchant) =>
    merchantCredentials(m, {
      keyMode: keys.modeOf(m.mchid),
      wechatpaySerial:
        keys.modeOf(m.mchid) === "public_key" ? keys.publicKeyId : keys.signingCertificate.serial,
      platformCertificate: keys.signingCertificate.pem,
    });

  const server = createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      const path = req.url ?? "/";
      if (req.method === "GET" && path.split("?")[0] === "/sandbox/control/credentials") {
        // Everything a client needs, for tools that start the sandbox elsewhere (the CLI) and read keys over HTTP.
        res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ merchants: merchants.map(credentialsOf) }));
        return;
      }
      if (path.startsWith("/sandbox/")) {
        await handleControlRequest(control, req.method ?? "GET", path, raw, res);
        return;
      }
      requests += 1;
      const method = req.method ?? "GET";
      if (!knownApi(method, path.split("?")[0] ?? "")) {
        // The gateway routes before it authenticates: a path with no API behind it is a plain 404
        // whatever the signature, and carries no Wechatpay-Signature (there is no merchant answer to
        // sign), so a client that verifies every answer must report it as an unverified 404.
        res.writeHead(404, {
          "Content-Type": "application/json; charset=utf-8",
          "Request-ID": `sandbox-${requests}`,
        });
        res.end(JSON.stringify({ code: "NOT_FOUND", message: `${method} ${path.split("?")[0]} 不存在` }));
        return;
      }
      let merchant: WechatSandboxMerchant | undefined;
      // The merchant picks the key answers are signed with by the Wechatpay-Serial it sends.
      const requestSerial = headerValue(req.headers["wechatpay-serial"]);
      try {
        const auth = parseAuthorization(headerValue(req.headers.authorization));
        // Known before the signature is checked, so even a 401 is signed the way this merchant verifies.
        merchant = byMchid.get(auth.mchid);
        const verified = authenticate(auth, req.method ?? "GET", path, raw);
        send(res, route(req.method ?? "GET", path, raw, verified), verified, requestSerial);
      } catch (error) {
        if (error instanceof WechatTransportFault) {
          if (error.kind === "response_lost") {
            res.socket?.destroy();
            return;
          }
          held.add(res);
          const timer = setTimeout(() => {
            held.delete(res);
            res.socket?.destroy();
          }, options.timeoutHoldMs ?? 60_000);
          res.on("close", () => {
            clearTimeout(timer);
            held.delete(res);
          });
          return;
        }
        if (error instanceof WechatEngineError) {
          send(
            res,
            {
              status: error.httpStatus,
              body: { code: error.code, message: error.message },
              // WeChat answers 500 SYSTEM_ERROR unsigned; every other answer is signed.
              signed: error.code !== "SYSTEM_ERROR",
            },
            merchant,
            requestSerial,
          );
          return;
        }
        send(
          res,
          { status: 500, body: { code: "SYSTEM_ERROR", message: String(error) }, signed: false },
          merchant,
          requestSerial,
        );
      }
    });
  });

  function authenticate(
    auth: ParsedAuthorization,
    method: string,
    path: string,
    raw: string,
  ): WechatSandboxMerchant {
    const merchant = byMchid.get(auth.mchid);
    if (!merchant) throw new WechatEngineError("MCH_NOT_EXISTS", `商户号 ${auth.mchid} 不存在`);
    // Serial numbers are hex; WeChat compares them case-insensitively.
    if (auth.serialNo.toUpperCase() !== merchant.serialNo.toUpperCase()) {
      throw new WechatEngineError("SIGN_ERROR", `商户证书序列号 ${auth.serialNo} 与商户号不匹配`);
    }
    const ts = Number(auth.timestamp);
    if (!Number.isInteger(ts) || Math.abs(wireNow() - ts * 1000) > windowMs) {
      throw new WechatEngineError("SIGN_ERROR", "请求时间戳与当前时间相差超过 5 分钟");
    }
    const message = requestMessage(method, path, auth.timestamp, auth.nonce, raw);
    if (!rsaVerify(merchant.publicKey, message, auth.signature)) {
      throw new WechatEngineError("SIGN_ERROR", "签名错误");
    }
    return merchant;
  }

  function route(method: string, path: string, raw: string, m: WechatSandboxMerchant): Reply {
    const { operation, reply } = answer(method, path, raw, m);
    if (!operation || reply.body === undefined || typeof reply.body !== "object" || reply.body === null)
      return reply;
    return { ...reply, body: rewrites.apply(operation, reply.body as Record<string, unknown>, m.mchid) };
  }

  function answer(
    method: string,
    path: string,
    raw: string,
    m: WechatSandboxMerchant,
  ): { operation: WechatOperation | undefined; reply: Reply } {
    const op = (operation: WechatOperation | undefined, reply: Reply) => ({ operation, reply });
    const [pathname = "", query = ""] = path.split("?");
    const params = new URLSearchParams(query);
    const capture = (re: RegExp): string | undefined => {
      const hit = re.exec(pathname)?.[1];
      return hit === undefined ? undefined : decodeURIComponent(hit);
    };
    const channel = method === "POST" ? capture(CHANNEL_PATH) : undefined;
    if (channel) return op("create_order", createOrder(channel as WechatOrderChannel, parseJsonBody(raw), m));
    const toClose = method === "POST" ? capture(CLOSE) : undefined;
    if (toClose) {
      assertMchid(str(parseJsonBody(raw), "mchid"), m);
      engine.closeOrder(m.mchid, toClose);
      return op("close_order", { status: 204 });
    }
    const outTradeNo = method === "GET" ? capture(BY_OUT_TRADE_NO) : undefined;
    if (outTradeNo) {
      assertMchid(params.get("mchid"), m);
      return op("query_order", {
        status: 200,
        body: renderTransaction(engine.getOrder(m.mchid, { outTradeNo })),
      });
    }
    const transactionId = method === "GET" ? capture(BY_TRANSACTION_ID) : undefined;
    if (transactionId) {
      assertMchid(params.get("mchid"), m);
      return op("query_order", {
        status: 200,
        body: renderTransaction(engine.getOrder(m.mchid, { transactionId })),
      });
    }
    if (method === "POST" && REFUNDS.test(pathname)) {
      const body = parseJsonBody(raw);
      assertNoFourByteCharacters(body);
      const input = readRefundBody(body);
      if (input.notifyUrl !== undefined) assertNotifyUrl(input.notifyUrl, "notify_url", allowLoopbackHttp);
      const { refund } = engine.refund(m.mchid, input);
      return op("refund", { status: 200, body: renderRefund(refund) });
    }
    const outRefundNo = method === "GET" ? capture(REFUND_BY_NO) : undefined;
    if (outRefundNo)
      return op("query_refund", { status: 200, body: renderRefund(engine.getRefund(m.mchid, outRefundNo)) });
    if (method === "GET" && CERTIFICATES.test(pathname)) return op(undefined, certificates(m));
    if (method === "GET" && TRADE_BILL.test(pathname)) {
      return op(undefined, { status: 200, body: bills.apply(m.mchid, params) });
    }
    // 下载账单: the file itself, unsigned (https://pay.weixin.qq.com/doc/v3/merchant/4012556654).
    if (method === "GET" && BILL_FILE.test(pathname)) {
      return op(undefined, {
        status: 200,
        file: bills.download(m.mchid, params.get("token")),
        signed: false,
      });
    }
    throw new Error(`knownApi and route disagree on ${method} ${pathname}`);
  }

  // Order creation: https://pay.weixin.qq.com/doc/v3/merchant/4012791856 (JSAPI下单) and the native /
  // h5 / app pages beside it; they differ only in the answer (prepay_id, code_url, h5_url).
  function createOrder(channel: WechatOrderChannel, body: Json, m: WechatSandboxMerchant): Reply {
    assertMchid(str(body, "mchid"), m);
    assertNoFourByteCharacters(body);
    const notifyUrl = str(body, "notify_url");
    assertNotifyUrl(notifyUrl, "notify_url", allowLoopbackHttp);
    const amount = obj(body, "amount");
    const total = amount.total;
    if (typeof total !== "number") throw new WechatEngineError("PARAM_ERROR", "amount.total 必填");
    const payer = optObj(body, "payer");
    const scene = optObj(body, "scene_info");
    const openid = payer ? optStr(payer, "openid", "payer.openid") : undefined;
    if (channel === "jsapi" && !openid)
      throw new WechatEngineError("PARAM_ERROR", "JSAPI 下单 payer.openid 必填");
    const clientIp = scene ? optStr(scene, "payer_client_ip", "scene_info.payer_client_ip") : undefined;
    if (channel === "h5" && (!clientIp || !scene?.h5_info)) {
      throw new WechatEngineError(
        "PARAM_ERROR",
        "H5 下单 scene_info.payer_client_ip 和 scene_info.h5_info 必填",
      );
    }
    const outTradeNo = str(body, "out_trade_no");
    if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) {
      throw new WechatEngineError("PARAM_ERROR", "out_trade_no 只能是数字、大小写字母_-|*,6-32 位");
    }
    const expire = optStr(body, "time_expire");
    const order = engine.createOrder(m.mchid, {
      appid: str(body, "appid"),
      outTradeNo,
      description: str(body, "description"),
      totalFen: total,
      currency: typeof amount.currency === "string" ? amount.currency : "CNY",
      notifyUrl,
      channel,
      payerOpenid: openid,
      payerClientIp: clientIp,
      attach: optStr(body, "attach"),
      timeExpire: expire ? new Date(expire) : undefined,
    });
    const answer =
      channel === "native"
        ? { code_url: order.codeUrl }
        : channel === "h5"
          ? { h5_url: order.h5Url }
          : { prepay_id: order.prepayId };
    return { status: 200, body: answer };
  }

  // 下载平台证书: https://pay.weixin.qq.com/doc/v3/merchant/4012551764 (certificates encrypted with the
  // APIv3 key): every certificate not expired, so a client holds the new one before it signs. A
  // merchant in public-key mode has none (https://pay.weixin.qq.com/doc/v3/merchant/4012153196).
  function certificates(m: WechatSandboxMerchant): Reply {
    keys.assertHasCertificates(m.mchid);
    const entry = (c: PlatformCertificate) => ({
      serial_no: c.serial,
      effective_time: formatBeijingTime(c.notBefore),
      expire_time: formatBeijingTime(c.notAfter),
      encrypt_certificate: aeadEncrypt(c.pem, m.apiV3Key, "certificate"),
    });
    return { status: 200, body: { data: keys.listedCertificates().map(entry) } };
  }

  function send(
    res: ServerResponse,
    reply: Reply,
    merchant: WechatSandboxMerchant | undefined,
    requestSerial: string | undefined,
  ): void {
    if (reply.file) {
      res.writeHead(reply.status, {
        "Content-Type": "application/octet-stream",
        "Request-ID": `sandbox-${requests}`,
      });
      res.end(reply.file);
      return;
    }
    const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
    const signer = keys.answerSigner(merchant, requestSerial);
    const headers: Record<string, string> = {
      ...(body ? { "Content-Type": "application/json; charset=utf-8" } : {}),
      "Request-ID": `sandbox-${requests}`,
      ...(reply.signed === false ? {} : signedHeaders(signer, body, wireNow())),
    };
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const settle = setInterval(() => {
    engine.tick();
    // An OffsetClock moves by itself: retries that came due on the sandbox clock go out.
    notifier.deliverDue();
  }, options.settleIntervalMs ?? 100);
  settle.unref();
  const address = server.address() as AddressInfo;
  const origin = `http://${address.address}:${address.port}`;

  const merchantOf = (mchid?: string): WechatSandboxMerchant => {
    const found = mchid === undefined ? merchants[0] : byMchid.get(mchid);
    if (!found) throw new Error(`the sandbox has no merchant ${mchid ?? ""}`);
    return found;
  };
  return {
    origin,
    merchants,
    merchantConfig: (mchid?: string) => {
      const m = merchantOf(mchid);
      return wechatMerchantConfig(m, origin, keys.modeOf(m.mchid), allowLoopbackHttp);
    },
    merchant: merchantOf,
    platform,
    keys,
    engine,
    control,
    get notifications() {
      return notifier.sent;
    },
    async close() {
      clearInterval(settle);
      notifier.close();
      for (const res of held) res.socket?.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function assertMchid(given: string | null, m: WechatSandboxMerchant): void {
  if (given !== m.mchid) {
    throw new WechatEngineError(
      "PARAM_ERROR",
      `mchid ${given ?? "(缺失)"} 与 Authorization 中的商户号 ${m.mchid} 不一致`,
    );
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
