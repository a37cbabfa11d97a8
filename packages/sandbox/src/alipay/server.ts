import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnswerRewriteQueue } from "../shared/answer-rewrite.js";
import type { SandboxClock } from "../shared/clock.js";
import { type DeliveryMode, pickDeliveryMode } from "../shared/delivery-mode.js";
import type { AnswerSigner } from "../shared/sign-pool.js";
import { formatYuan } from "../shared/yuan.js";
import { assertAppAuthToken } from "./app-auth.js";
import type { AlipayBillDesk } from "./bills/bill-desk.js";
import { cashierPage, resultPage } from "./cashier.js";
import { formatBeijing } from "./clock.js";
import { type AlipayPayOptions, payOptions } from "./discounts.js";
import { failure, GatewayFailure, type GatewayResponse } from "./errors.js";
import { ALIPAY_ERROR_FAULTS, type AlipayFault, type FaultQueue } from "./faults.js";
import { type AlipayBuyerDesk, checkPlan } from "./in-person.js";
import {
  type AlipayKeyRing,
  type AlipayRotateOptions,
  type AlipayRotation,
  ROGUE_CERTIFICATE_KINDS,
  type RogueCertificateKind,
} from "./key-ring.js";
import type { AlipayLedger, SandboxTrade } from "./ledger.js";
import { tradeRef } from "./methods/context.js";
import {
  CERT_DOWNLOAD_METHOD,
  isClientPayMethod,
  METHODS,
  type MethodContext,
  openClientTrade,
} from "./methods/index.js";
import type { AlipayNotifier } from "./notifier.js";
import { notifySignContent, rsa2Sign, signedAnswerWith } from "./signing.js";
import { type RegisteredApp, verifyRequest } from "./verify-request.js";

export interface GatewayDeps {
  readonly app: RegisteredApp;
  /** Set when the sandbox plays a merchant that authorised the app (ISV): every call must carry it. */
  readonly appAuthToken?: string | undefined;
  readonly sellerId: string;
  /** Alipay's signing key and, in certificate mode, the SN sent as alipay_cert_sn (both rotate). */
  readonly keyRing: AlipayKeyRing;
  readonly bills: AlipayBillDesk;
  /** The buyers at the counter, by auth code (alipay.trade.pay). */
  readonly buyers: AlipayBuyerDesk;
  readonly ledger: AlipayLedger;
  readonly notifier: AlipayNotifier;
  readonly faults: FaultQueue;
  /** Answers to send "for something else" or without a field (shared/answer-rewrite.ts), by method. */
  readonly rewrites: AnswerRewriteQueue;
  readonly clock: SandboxClock;
  /** Write "/" as "\/" in answers, as the live gateway does. */
  readonly escapeSlashes: boolean;
  /** Signs the API's answers (a worker pool under load); on the event loop when omitted. */
  readonly signer?: AnswerSigner;
  /** Refund-query answers without refund_status, as older products' did. */
  readonly refundQueryOmitsStatus: boolean;
  readonly refundQuerySettleMs: number;
  origin(): string;
  countRequest(): void;
  /** Every verified API call, for tests that check what a client sent and when. */
  recordCall(call: GatewayCall): void;
  /** Holds a request until the client gives up or the sandbox closes (the timeout fault). */
  hold(req: IncomingMessage): Promise<void>;
  control: {
    pay(outTradeNo: string, options?: AlipayPayOptions): Promise<SandboxTrade>;
    fail(outTradeNo: string): SandboxTrade;
    scan(outTradeNo: string): SandboxTrade;
    advanceClock(ms: number): Promise<void>;
    injectFault(fault: AlipayFault): void;
    setDeliveryMode(mode: DeliveryMode): void;
    releaseNotifications(order?: "built" | "reverse"): Promise<number>;
    rotateCertificate(options: AlipayRotateOptions): Promise<AlipayRotation>;
    state(): unknown;
  };
}

/** One verified gateway API call: its method, its biz_content and the sandbox time it arrived. */
export interface GatewayCall {
  readonly method: string;
  readonly at: Date;
  readonly biz: Readonly<Record<string, unknown>>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": type, ...headers });
  res.end(body);
}

const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";

/** The request listener of the simulated gateway, its cashier pages and its control API. */
export function createGatewayListener(deps: GatewayDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? "/", deps.origin());
      const body = req.method === "POST" ? await readBody(req) : "";
      if (url.pathname === "/gateway.do") {
        const params: Record<string, string> = {};
        for (const [k, v] of url.searchParams) params[k] = v;
        const isForm = (req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded");
        if (body && (isForm || !req.headers["content-type"])) {
          for (const [k, v] of new URLSearchParams(body)) params[k] = v;
        }
        deps.countRequest();
        await gateway(deps, req, res, params);
        return;
      }
      if (req.method === "GET" && url.pathname === "/__bills/download") {
        // The bill_download_url is fetched without a signature, like Alipay's own.
        const zip = await deps.bills.download(url.searchParams.get("token"));
        if (!zip)
          send(res, 404, JSON_TYPE, JSON.stringify({ error: "bill download url unknown or expired" }));
        else send(res, 200, "application/zip", zip);
        return;
      }
      const cashier = /^\/cashier\/(\d+)(?:\/(pay|fail))?$/.exec(url.pathname);
      if (cashier) {
        await cashierRoute(deps, res, cashier[1] ?? "", req.method === "POST" ? cashier[2] : undefined);
        return;
      }
      if (url.pathname.startsWith("/__sandbox/")) {
        await controlRoute(deps, req, res, url, body);
        return;
      }
      send(res, 404, JSON_TYPE, JSON.stringify({ error: `no route ${req.method} ${url.pathname}` }));
    } catch (err) {
      if (!res.headersSent) send(res, 500, JSON_TYPE, JSON.stringify({ error: String(err) }));
    }
  };
}

async function gateway(
  deps: GatewayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) {
  const method = params.method ?? "";
  const responseKey = method ? `${method.replaceAll(".", "_")}_response` : "error_response";
  const answer = async (response: GatewayResponse, fault?: AlipayFault) => {
    // A forged answer names an SN Alipay never issued and is signed with a key not Alipay's.
    const signer = fault?.kind === "unknown_cert_sn" ? deps.keyRing.forgery() : deps.keyRing.current;
    const body = await signedAnswerWith(
      responseKey,
      method ? deps.rewrites.apply(method, response) : response,
      signer.privateKey,
      signer.certSn,
      { corruptSignature: fault?.kind === "bad_signature", escapeSlashes: deps.escapeSlashes },
      deps.signer,
    );
    send(res, 200, JSON_TYPE, body);
  };

  if (isClientPayMethod(method)) {
    // page.pay / wap.pay arrive from the buyer's browser (GET link or auto-submitted POST form).
    try {
      verifyRequest(params, deps.app);
      assertAppAuthToken(params, deps.appAuthToken);
      const trade = openClientTrade(context(deps, params), method);
      send(res, 200, HTML, cashierPage(trade));
    } catch (err) {
      const r = err instanceof GatewayFailure ? err.response : failure("ACQ.SYSTEM_ERROR", String(err));
      send(
        res,
        200,
        HTML,
        resultPage("支付宝 · 错误", `${String(r.sub_code ?? r.code)}: ${String(r.sub_msg ?? r.msg)}`),
      );
    }
    return;
  }
  try {
    if (!method) return answer(failure("isv.missing-method"));
    verifyRequest(params, deps.app);
    assertAppAuthToken(params, deps.appAuthToken);
    const handler = METHODS[method];
    if (!handler) return answer(failure("isv.invalid-method", method));
    const ctx = context(deps, params);
    deps.recordCall({ method, at: deps.clock.now(), biz: ctx.biz });
    const fault = deps.faults.take(method);
    if (fault && fault.kind in ALIPAY_ERROR_FAULTS)
      return answer(
        failure(ALIPAY_ERROR_FAULTS[fault.kind as keyof typeof ALIPAY_ERROR_FAULTS], "injected fault"),
      );
    // A repeat of an out_request_no the gateway holds is that refund, answered again (fund_change
    // N, https://opendocs.alipay.com/open/02ekfk): a balance refusal is about moving new money, so
    // it never applies to a repeat.
    if (fault?.kind === "balance_not_enough" && !repeatsHeldRefund(deps, method, ctx))
      return answer(failure("ACQ.SELLER_BALANCE_NOT_ENOUGH", "injected fault"));
    if (fault?.kind === "timeout") return await deps.hold(req);
    let response: GatewayResponse;
    try {
      response = handler(ctx);
    } catch (err) {
      if (!(err instanceof GatewayFailure)) throw err;
      response = err.response;
    }
    if (method === CERT_DOWNLOAD_METHOD) {
      // The certificate download answers unsigned: the merchant may not hold the key yet, and the
      // SDKs take the certificate on its chain to the root alone (the official .NET SDK skips this
      // answer's signature check; gopay notes it carries no sign).
      const inner = JSON.stringify(response);
      send(
        res,
        200,
        JSON_TYPE,
        `{${JSON.stringify(responseKey)}:${deps.escapeSlashes ? inner.replaceAll("/", "\\/") : inner}}`,
      );
      return;
    }
    // Notifications go out asynchronously, as Alipay's do; tests await sandbox.settled().
    void deps.notifier.flush();
    if (fault?.kind === "response_lost") {
      // The call took effect; the answer never arrives.
      res.socket?.destroy();
      return;
    }
    await answer(response, fault);
  } catch (err) {
    if (err instanceof GatewayFailure) return answer(err.response);
    throw err;
  }
}

/** Whether this alipay.trade.refund call names an out_request_no the trade already refunded. */
function repeatsHeldRefund(deps: GatewayDeps, method: string, ctx: MethodContext): boolean {
  if (method !== "alipay.trade.refund") return false;
  const trade = deps.ledger.lookup(tradeRef(ctx.biz), deps.clock.now());
  if (!trade) return false;
  const no = typeof ctx.biz.out_request_no === "string" ? ctx.biz.out_request_no : trade.outTradeNo;
  return trade.refunds.has(no);
}

function context(deps: GatewayDeps, params: Record<string, string>): MethodContext {
  let biz: Record<string, unknown> = {};
  if (params.biz_content) {
    try {
      const parsed: unknown = JSON.parse(params.biz_content);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        biz = parsed as Record<string, unknown>;
      else throw new Error("not an object");
    } catch {
      throw new GatewayFailure(failure("ACQ.INVALID_PARAMETER", "biz_content 不是合法的 JSON 对象"));
    }
  }
  return {
    ledger: deps.ledger,
    clock: deps.clock,
    origin: deps.origin(),
    params,
    biz,
    refundQueryOmitsStatus: deps.refundQueryOmitsStatus,
    refundQuerySettleMs: deps.refundQuerySettleMs,
    keyRing: deps.keyRing,
    bills: deps.bills,
    buyers: deps.buyers,
  };
}

async function cashierRoute(
  deps: GatewayDeps,
  res: ServerResponse,
  tradeNo: string,
  action: string | undefined,
) {
  // Opening the QR content is the buyer's scan: a precreated trade comes into being here.
  const known = deps.ledger.lookup({ tradeNo }, deps.clock.now());
  if (!known) return send(res, 404, HTML, resultPage("交易不存在", tradeNo));
  const trade = deps.ledger.scan({ tradeNo }, deps.clock.now());
  if (!action) return send(res, 200, HTML, cashierPage(trade));
  try {
    if (action === "fail") {
      deps.control.fail(trade.outTradeNo);
      return send(
        res,
        200,
        HTML,
        resultPage("支付失败", "The payment attempt failed; the order can still be paid."),
      );
    }
    await deps.control.pay(trade.outTradeNo);
  } catch (err) {
    const r = err instanceof GatewayFailure ? err.response : undefined;
    return send(res, 409, HTML, resultPage("无法支付", String(r?.sub_msg ?? err)));
  }
  if (!trade.returnUrl) return send(res, 200, HTML, resultPage("支付成功", `${trade.outTradeNo} paid`));
  send(res, 302, HTML, "", { location: returnUrl(deps, trade) });
}

/**
 * After paying, page and wap pay send the buyer back to return_url with signed parameters
 * (同步返回参数, https://opendocs.alipay.com/open/59da99d0_alipay.trade.page.pay): the page may show
 * them, but only the asynchronous notification or a query is proof of payment.
 */
function returnUrl(deps: GatewayDeps, trade: SandboxTrade): string {
  const params: Record<string, string> = {
    method: `${trade.createdBy}.return`,
    app_id: deps.app.appId,
    charset: "utf-8",
    version: "1.0",
    timestamp: formatBeijing(deps.clock.now()),
    out_trade_no: trade.outTradeNo,
    trade_no: trade.tradeNo,
    total_amount: formatYuan(trade.totalFen),
    seller_id: deps.sellerId,
  };
  params.sign = rsa2Sign(notifySignContent(params), deps.keyRing.current.privateKey);
  params.sign_type = "RSA2";
  const target = new URL(trade.returnUrl ?? "");
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return target.toString();
}

async function controlRoute(
  deps: GatewayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string,
) {
  const json = (status: number, value: unknown) => send(res, status, JSON_TYPE, JSON.stringify(value));
  const path = url.pathname.slice("/__sandbox".length);
  try {
    if (req.method === "GET" && path === "/state") return json(200, deps.control.state());
    if (req.method === "GET" && path === "/notifications") return json(200, deps.notifier.notifications);
    const trade = /^\/trades\/([^/]+)\/(pay|fail|scan)$/.exec(path);
    if (req.method === "POST" && trade) {
      const outTradeNo = decodeURIComponent(trade[1] ?? "");
      const done =
        trade[2] === "pay"
          ? await deps.control.pay(outTradeNo, payOptions(body))
          : trade[2] === "scan"
            ? deps.control.scan(outTradeNo)
            : deps.control.fail(outTradeNo);
      return json(200, { out_trade_no: done.outTradeNo, trade_no: done.tradeNo, trade_status: done.status });
    }
    const buyer = /^\/buyers\/([^/]+)\/plan$/.exec(path);
    if (req.method === "POST" && buyer) {
      // {"kind": "pays_after", "afterMs": 20000}: how the buyer showing this auth code behaves.
      const authCode = decodeURIComponent(buyer[1] ?? "");
      const plan = checkPlan(JSON.parse(body || "{}"));
      deps.buyers.plan(authCode, plan);
      return json(200, { auth_code: authCode, plan });
    }
    if (req.method === "POST" && path === "/clock/advance") {
      const { ms } = JSON.parse(body || "{}") as { ms?: unknown };
      if (typeof ms !== "number") return json(400, { error: 'body must be {"ms": number}' });
      await deps.control.advanceClock(ms);
      return json(200, { now: deps.clock.now().toISOString() });
    }
    if (req.method === "GET" && path === "/certificates") {
      const ring = deps.keyRing;
      return json(200, {
        alipay_cert_sn: ring.current.certSn ?? null,
        issued: ring.issuedSns,
        downloads: ring.downloads,
      });
    }
    if (req.method === "POST" && path === "/certificates/rotate") {
      const raw = JSON.parse(body || "{}") as { keep_key?: unknown; rogue?: unknown };
      if (raw.keep_key !== undefined && typeof raw.keep_key !== "boolean")
        return json(400, { error: "keep_key must be true or false" });
      if (raw.rogue !== undefined && !(ROGUE_CERTIFICATE_KINDS as readonly unknown[]).includes(raw.rogue))
        return json(400, { error: `rogue must be one of ${ROGUE_CERTIFICATE_KINDS.join(", ")}` });
      const done = await deps.control.rotateCertificate({
        ...(raw.keep_key !== undefined ? { keepKey: raw.keep_key as boolean } : {}),
        ...(raw.rogue !== undefined ? { rogue: raw.rogue as RogueCertificateKind } : {}),
      });
      return json(200, {
        alipay_cert_sn: done.alipayCertSn,
        previous_cert_sn: done.previousCertSn,
        rogue: done.rogue ?? null,
      });
    }
    if (req.method === "POST" && path === "/answer-rewrites") {
      // {"method": "alipay.trade.query", "set": {"out_trade_no": "..."}, "remove": ["buyer_pay_amount"]}
      const r = JSON.parse(body || "{}") as {
        method?: string;
        set?: Record<string, unknown>;
        remove?: string[];
      };
      deps.rewrites.push({ operation: r.method, set: r.set, remove: r.remove });
      return json(200, { pending: deps.rewrites.pending });
    }
    if (req.method === "POST" && path === "/faults") {
      deps.control.injectFault(JSON.parse(body) as AlipayFault);
      return json(200, { pending: deps.faults.pending });
    }
    if (req.method === "POST" && path === "/delivery-mode") {
      deps.control.setDeliveryMode(pickDeliveryMode(JSON.parse(body || "{}") as object));
      return json(200, { mode: deps.notifier.deliveryMode });
    }
    if (req.method === "POST" && path === "/release-notifications") {
      const { order } = JSON.parse(body || "{}") as { order?: unknown };
      return json(200, {
        released: await deps.control.releaseNotifications(order === "reverse" ? "reverse" : "built"),
      });
    }
    if (req.method === "POST" && path === "/app-pay") {
      // The Alipay app receives the order string built by sdkExec; the sandbox plays that app.
      deps.countRequest();
      const params: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body.trim())) params[k] = v;
      const method = params.method ?? "";
      if (method !== "alipay.trade.app.pay") return json(400, { error: `order string method ${method}` });
      verifyRequest(params, deps.app);
      assertAppAuthToken(params, deps.appAuthToken);
      const opened = openClientTrade(context(deps, params), method);
      return json(200, {
        out_trade_no: opened.outTradeNo,
        trade_no: opened.tradeNo,
        cashier_url: `${deps.origin()}/cashier/${opened.tradeNo}`,
      });
    }
    return json(404, { error: `no control route ${req.method} ${path}` });
  } catch (err) {
    if (err instanceof GatewayFailure) return json(409, err.response);
    return json(400, { error: err instanceof Error ? err.message : String(err) });
  }
}
