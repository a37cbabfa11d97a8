import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AnswerRewriteQueue } from "../../shared/answer-rewrite.js";
import { answerSigner } from "../../shared/sign-pool.js";
import { WechatBillDesk } from "../bills/bill-desk.js";
import { type WechatEngineOptions, WechatMerchantEngine } from "../engine/engine.js";
import { WechatEngineError, WechatTransportFault } from "../engine/errors.js";
import type { WechatOperation } from "../engine/faults.js";
import { authenticate } from "./authenticate.js";
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
import { findEndpoint, type Reply } from "./endpoints/index.js";
import { headerValue, readBody } from "./http-io.js";
import { WechatKeyRing } from "./key-ring.js";
import { type NotifierOptions, type SentNotification, WechatNotifier } from "./notifier.js";
import {
  assertMayCall,
  PartnerBook,
  partnerTransaction,
  renderPartnerRefundNotice,
  type WechatSandboxSubMerchant,
} from "./partner/index.js";
import { renderRefundNotice, renderTransaction } from "./render.js";
import { parseAuthorization, signedHeadersWith } from "./signing.js";

export interface WechatSandboxOptions extends WechatEngineOptions {
  /** Merchants to create; one merchant in platform-certificate mode when omitted. */
  readonly merchants?: readonly WechatSandboxMerchantOptions[];
  /**
   * Service providers (服务商) with their sub-merchants, served on the partner APIs
   * (/v3/pay/partner/transactions/...). Each holds keys like a merchant (`merchant(spMchid)` and
   * `merchantConfig(spMchid)` give them) but, as on WeChat, its own mchid is refused on the direct
   * order and 付款码 APIs ("受理机构必须传入sub_mch_id"); each sub-merchant's orders are kept apart.
   */
  readonly serviceProviders?: readonly WechatSandboxServiceProviderOptions[];
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
  /**
   * Worker threads that sign the API's answers (default 0: on the event loop). A simulator in the
   * same process as the app under test (the checkout demo) turns them on, so its signing does not
   * hold the app's event loop under load. Notifications are still signed when they are built.
   */
  readonly signingThreads?: number;
}

/** A service provider (服务商): a merchant whose keys sign partner calls for its sub-merchants. */
export interface WechatSandboxServiceProviderOptions extends WechatSandboxMerchantOptions {
  /** Its sub-merchants (特约商户): their numbers and the appids bound to each (sub_appid). */
  readonly subMerchants: readonly { readonly mchid: string; readonly appids?: readonly string[] }[];
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
  /** The sub-merchants of service provider `spMchid` (none for an ordinary merchant). */
  subMerchants(spMchid: string): readonly WechatSandboxSubMerchant[];
  /** Every notification built so far, with the exact headers and body sent. */
  readonly notifications: readonly SentNotification[];
  close(): Promise<void>;
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
  const serviceProviders = options.serviceProviders ?? [];
  const direct = (options.merchants ?? (serviceProviders.length > 0 ? [] : [{}])).map((m) =>
    createMerchant(m, platform),
  );
  const spMerchants = serviceProviders.map((sp) => createMerchant(sp, platform));
  const merchants = [...direct, ...spMerchants];
  const byMchid = new Map(merchants.map((m) => [m.mchid, m]));
  for (const m of merchants) engine.addMerchant({ mchid: m.mchid, appids: m.appids });
  const partners = new PartnerBook();
  for (const [i, sp] of spMerchants.entries()) {
    const subs = (serviceProviders[i]?.subMerchants ?? []).map((sub) => ({
      mchid: sub.mchid,
      appids: [...(sub.appids ?? [])],
    }));
    partners.addServiceProvider(sp.mchid, subs);
    for (const sub of subs) {
      // A sub-merchant's orders are placed under the service provider's sp_appid (the engine checks
      // the order's appid against these); sub_appid is checked against the sub-merchant's own.
      engine.addMerchant({ mchid: sub.mchid, appids: sp.appids });
      engine.shareRefundRateLimit(sub.mchid, `service-provider:${sp.mchid}`);
    }
  }
  /** The merchant whose keys sign for `mchid`: itself, or a sub-merchant's service provider. */
  const signerOf = (mchid: string) =>
    byMchid.get(mchid) ?? byMchid.get(partners.serviceProviderOf(mchid) ?? "");
  const keys = new WechatKeyRing(platform, engine.clock, wireNow);
  for (const m of merchants) keys.setMode(m.mchid, m.keyMode, m.switch);

  const notifier = new WechatNotifier(
    signerOf,
    (m) => keys.notificationSigner(m),
    engine.clock,
    wireNow,
    options.notify,
    {
      // A sub-merchant's notifications go out in the partner shape, signed and encrypted with its service provider's keys.
      transaction: (order) =>
        partners.serviceProviderOf(order.mchid)
          ? partnerTransaction(partners, order)
          : renderTransaction(order),
      refund: (refund) => {
        const sp = partners.serviceProviderOf(refund.mchid);
        return sp ? renderPartnerRefundNotice(refund, sp) : renderRefundNotice(refund);
      },
    },
  );
  engine.onEvent((event) => notifier.handle(event));
  const bills = new WechatBillDesk(engine);

  let requests = 0;
  // Answers a test asked to go out "for something else" or without a field (control.rewriteAnswer).
  const rewrites = new AnswerRewriteQueue<WechatOperation>();
  const held = new Set<ServerResponse>();
  const signing = answerSigner(options.signingThreads);
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
      if (!findEndpoint(method, path.split("?")[0] ?? "")) {
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
        const verified = authenticate(
          auth,
          { merchantOf: (id) => byMchid.get(id), wireNow, windowMs },
          req.method ?? "GET",
          path,
          raw,
        );
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
    const [pathname = "", query = ""] = path.split("?");
    const found = findEndpoint(method, pathname);
    if (!found) throw new Error(`findEndpoint and route disagree on ${method} ${pathname}`);
    const { endpoint, capturedRaw } = found;
    assertMayCall(partners, endpoint, m.mchid);
    const reply = endpoint.handle({
      partners,
      engine,
      bills,
      keys,
      allowLoopbackHttp,
      merchant: m,
      raw,
      params: new URLSearchParams(query),
      captured: decodeURIComponent(capturedRaw),
    });
    return { operation: endpoint.operation, reply };
  }

  function send(
    res: ServerResponse,
    reply: Reply,
    merchant: WechatSandboxMerchant | undefined,
    requestSerial: string | undefined,
  ): void {
    const requestId = `sandbox-${requests}`;
    if (reply.file) {
      res.writeHead(reply.status, { "Content-Type": "application/octet-stream", "Request-ID": requestId });
      res.end(reply.file);
      return;
    }
    const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
    const signer = keys.answerSigner(merchant, requestSerial);
    const base: Record<string, string> = {
      ...(body ? { "Content-Type": "application/json; charset=utf-8" } : {}),
      "Request-ID": requestId,
    };
    if (reply.signed === false) {
      res.writeHead(reply.status, base);
      res.end(body);
      return;
    }
    signedHeadersWith(signer, body, wireNow(), signing).then(
      (signed) => {
        res.writeHead(reply.status, { ...base, ...signed });
        res.end(body);
      },
      (error: unknown) => {
        // A signer that failed leaves nothing to sign with: answer as WeChat does when it fails, unsigned 500.
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8", "Request-ID": requestId });
        res.end(JSON.stringify({ code: "SYSTEM_ERROR", message: String(error) }));
      },
    );
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
    subMerchants: (spMchid: string) => partners.subMerchantsOf(spMchid),
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
      await signing.close();
      for (const res of held) res.socket?.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
