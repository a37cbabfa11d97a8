import type { ServerResponse } from "node:http";
import type { AnswerRewrite, AnswerRewriteQueue } from "../../shared/answer-rewrite.js";
import { type DeliveryMode, pickDeliveryMode } from "../../shared/delivery-mode.js";
import type { PayOptions, WechatMerchantEngine } from "../engine/engine.js";
import { WechatEngineError } from "../engine/errors.js";
import {
  WECHAT_FAULT_KINDS,
  WECHAT_OPERATIONS,
  type WechatFault,
  type WechatOperation,
} from "../engine/faults.js";
import { WECHAT_AUTH_CODE } from "../engine/in-person.js";
import { promotionInputs } from "../engine/promotion-wire.js";
import type { EngineOrder, WechatBuyerPlan, WechatRefundStatus } from "../engine/types.js";
import type { WechatKeyMode } from "./credentials.js";
import type { PlatformCertificate, WechatKeyRing } from "./key-ring.js";
import type { DropFilter, SentNotification, WechatNotifier } from "./notifier.js";
import { decryptUpstream, encryptDownstream } from "./sensitive-fields.js";
import type { WechatSwitchOptions } from "./switch-schedule.js";

const KEY_MODES: readonly WechatKeyMode[] = ["platform_certificate", "public_key", "switch"];

/**
 * The test-control API: what a buyer, an operator or time would do. Not part of WeChat's API, so
 * it is unsigned and lives under /sandbox/control/ on the HTTP side.
 */
export interface WechatSandboxControl {
  pay(outTradeNo: string, options?: PayOptions): Readonly<EngineOrder>;
  fail(outTradeNo: string, options?: { mchid?: string; reason?: string }): Readonly<EngineOrder>;
  neverPay(outTradeNo: string, options?: { mchid?: string }): Readonly<EngineOrder>;
  /**
   * Moves the sandbox clock forward and settles refunds that came due (notifications follow);
   * notification retries that fall due on the way are made.
   */
  advance(ms: number): void;
  /** How notifications travel from now on: duplicates, several senders, late, held (see DeliveryMode). */
  setDeliveryMode(mode: DeliveryMode): void;
  /** Loses the next `times` notifications matching `filter`: recorded, never delivered (see WechatNotifier.drop). */
  dropNotifications(filter?: DropFilter, times?: number): void;
  /** Sends the notifications held by `hold: true`, in the order built or newest first. */
  releaseNotifications(order?: "built" | "reverse"): number;
  /** /v3 requests received so far, whatever their outcome. */
  requestCount(): number;
  /**
   * Puts a merchant in a key mode; `switch` starts WeChat's notification ramp now on the sandbox
   * clock (or `options.startedAt`), so `advance()` walks a seven-day switch in milliseconds.
   */
  setKeyMode(mchid: string, mode: WechatKeyMode, options?: WechatSwitchOptions): void;
  /** The share of the merchant's notifications signed with the public key now, 0..1. */
  publicKeyRatio(mchid: string): number;
  /**
   * What WeChat reads from a sensitive field a merchant encrypted with the key `wechatpaySerial`
   * names (the Wechatpay-Serial header of the request that carried it).
   */
  decryptSensitive(ciphertext: string, wechatpaySerial: string): string;
  /** A sensitive field as WeChat sends it down to `mchid` (encrypted with the merchant's key). */
  encryptForMerchant(mchid: string, plaintext: string): string;
  /** Issues a new platform certificate that signs from now on (see WechatKeyRing.rotateCertificate). */
  rotateCertificate(options?: {
    retirePrevious?: boolean;
    validForMs?: number;
    signing?: boolean;
  }): PlatformCertificate;
  injectFault(fault: WechatFault, times?: number): void;
  /** How the buyer showing `authCode` at the counter behaves in 付款码支付 (default: pays at once). */
  planBuyer(authCode: string, plan: WechatBuyerPlan): void;
  /**
   * The next matching answer (operation, merchant) goes out with fields set or removed, still
   * signed: an answer for another order or refund (`set: { out_trade_no: "..." }`), or one without
   * an optional field (`remove: ["amount"]`). See shared/answer-rewrite.ts.
   */
  rewriteAnswer(rewrite: AnswerRewrite<WechatOperation>, times?: number): void;
  setRefundOutcome(
    outRefundNo: string,
    outcome: Exclude<WechatRefundStatus, "PROCESSING">,
    options?: { mchid?: string },
  ): void;
  notifications(filter?: {
    outTradeNo?: string;
    kind?: "trade" | "refund";
    eventType?: string;
  }): SentNotification[];
  /**
   * The next notification for `outTradeNo` of `kind` not returned by this method before; waits
   * for it (up to `timeoutMs`) when it has not been built yet.
   */
  nextNotification(
    outTradeNo: string,
    kind: "trade" | "refund",
    timeoutMs?: number,
  ): Promise<SentNotification>;
}

export function createControl(
  engine: WechatMerchantEngine,
  notifier: WechatNotifier,
  keys: WechatKeyRing,
  requestCount: () => number,
  merchantPublicKey: (mchid: string) => string | undefined,
  rewrites: AnswerRewriteQueue<WechatOperation>,
): WechatSandboxControl {
  const taken = new Set<string>();
  return {
    pay: (no, options) => engine.pay(no, options),
    fail: (no, options) => engine.failPayment(no, options),
    neverPay: (no, options) => engine.neverPay(no, options),
    advance: (ms) => {
      // Step through every retry due on the way, so each attempt happens at its own sandbox time.
      const target = engine.now().getTime() + ms;
      for (;;) {
        const next = notifier.nextDueSandbox();
        if (next === undefined || next > target) break;
        engine.advance(Math.max(0, next - engine.now().getTime()));
        notifier.deliverDue();
      }
      engine.advance(Math.max(0, target - engine.now().getTime()));
      notifier.deliverDue();
    },
    setDeliveryMode: (mode) => notifier.setMode(mode),
    releaseNotifications: (order) => notifier.release(order),
    dropNotifications: (filter, times) => notifier.drop(filter, times),
    requestCount,
    setKeyMode: (mchid, mode, options) => {
      if (!engine.hasMerchant(mchid)) throw new WechatEngineError("MCH_NOT_EXISTS", `商户号 ${mchid} 不存在`);
      keys.setMode(mchid, mode, options);
    },
    publicKeyRatio: (mchid) => keys.publicKeyRatio(mchid),
    rotateCertificate: (options) => keys.rotateCertificate(options),
    decryptSensitive: (ciphertext, serial) => {
      const key = keys.privateKeyFor(serial);
      if (!key)
        throw new WechatEngineError("PARAM_ERROR", `Wechatpay-Serial ${serial} 不是有效的平台证书或公钥`);
      return decryptUpstream(key, ciphertext);
    },
    encryptForMerchant: (mchid, plaintext) => {
      const key = merchantPublicKey(mchid);
      if (!key) throw new WechatEngineError("MCH_NOT_EXISTS", `商户号 ${mchid} 不存在`);
      return encryptDownstream(key, plaintext);
    },
    injectFault: (fault, times) => engine.injectFault(fault, times),
    planBuyer: (authCode, plan) => engine.planBuyer(authCode, plan),
    rewriteAnswer: (rewrite, times) => {
      if (rewrite.operation !== undefined && !WECHAT_OPERATIONS.includes(rewrite.operation)) {
        throw new WechatEngineError(
          "PARAM_ERROR",
          `operation must be one of ${WECHAT_OPERATIONS.join(", ")}`,
        );
      }
      rewrites.push(rewrite, times);
    },
    setRefundOutcome: (no, outcome, options) => engine.setRefundOutcome(no, outcome, options),
    notifications: (filter = {}) =>
      notifier.sent.filter(
        (n) =>
          (filter.outTradeNo === undefined || n.outTradeNo === filter.outTradeNo) &&
          (filter.kind === undefined || n.kind === filter.kind) &&
          (filter.eventType === undefined || n.eventType === filter.eventType),
      ),
    async nextNotification(outTradeNo, kind, timeoutMs) {
      const hit = await notifier.waitFor(
        (n) => n.outTradeNo === outTradeNo && n.kind === kind && !taken.has(n.id),
        timeoutMs,
      );
      taken.add(hit.id);
      return hit;
    },
  };
}

/**
 * POST /sandbox/control/{pay|fail|never-pay|advance|fault|buyer-plan|drop-notification|refund-outcome|key-mode|rotate-certificate|
 * sensitive-decrypt|sensitive-encrypt} with a JSON body,
 * GET /sandbox/control/requests, GET /sandbox/control/notifications?out_trade_no=&kind=, and
 * POST /sandbox/notify-sink (answers 204 to any notification).
 */
export async function handleControlRequest(
  control: WechatSandboxControl,
  method: string,
  path: string,
  raw: string,
  res: ServerResponse,
): Promise<void> {
  const [pathname = "", query = ""] = path.split("?");
  const params = new URLSearchParams(query);
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };
  // A notify_url that accepts everything, for users who only read notifications back from the sandbox.
  if (pathname === "/sandbox/notify-sink") {
    res.writeHead(204);
    res.end();
    return;
  }
  try {
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const text = (field: string): string => {
      const v = body[field];
      if (typeof v !== "string" || !v) throw new WechatEngineError("PARAM_ERROR", `${field} is required`);
      return v;
    };
    const mchid = typeof body.mchid === "string" ? body.mchid : undefined;
    const action = pathname.replace(/^\/sandbox\/control\//, "");
    if (method === "GET" && action === "requests") return reply(200, { count: control.requestCount() });
    if (method === "GET" && action === "notifications") {
      const kind = params.get("kind");
      return reply(200, {
        notifications: control.notifications({
          ...(params.get("out_trade_no") ? { outTradeNo: params.get("out_trade_no") ?? "" } : {}),
          ...(kind === "trade" || kind === "refund" ? { kind } : {}),
        }),
      });
    }
    if (method !== "POST") return reply(404, { code: "NOT_FOUND", message: `no ${method} ${pathname}` });
    switch (action) {
      case "pay":
        return reply(
          200,
          control.pay(text("out_trade_no"), { mchid, promotions: promotionInputs(body.promotion_detail) }),
        );
      case "fail":
        return reply(200, control.fail(text("out_trade_no"), { ...(mchid ? { mchid } : {}) }));
      case "never-pay":
        return reply(200, control.neverPay(text("out_trade_no"), { ...(mchid ? { mchid } : {}) }));
      case "advance": {
        const ms = body.ms;
        if (typeof ms !== "number") throw new WechatEngineError("PARAM_ERROR", "ms is required");
        control.advance(ms);
        return reply(200, { ok: true });
      }
      case "fault": {
        const kind = text("kind") as WechatFault["kind"];
        if (!WECHAT_FAULT_KINDS.includes(kind))
          throw new WechatEngineError("PARAM_ERROR", `kind must be one of ${WECHAT_FAULT_KINDS.join(", ")}`);
        const operation = body.operation as WechatFault["operation"];
        if (operation !== undefined && !WECHAT_OPERATIONS.includes(operation)) {
          throw new WechatEngineError(
            "PARAM_ERROR",
            `operation must be one of ${WECHAT_OPERATIONS.join(", ")}`,
          );
        }
        control.injectFault({ kind, operation, mchid }, typeof body.times === "number" ? body.times : 1);
        return reply(200, { ok: true });
      }
      case "buyer-plan": {
        // {"auth_code", "kind", "after_ms"?, "code"?, "message"?}: what the buyer showing this code does.
        const authCode = text("auth_code");
        if (!WECHAT_AUTH_CODE.test(authCode))
          throw new WechatEngineError("PARAM_ERROR", "auth_code must be 18 digits starting 10-15 (a 付款码)");
        const plan = buyerPlan(body);
        control.planBuyer(authCode, plan);
        return reply(200, { auth_code: authCode, plan });
      }
      case "rewrite-answer": {
        const set = body.set;
        const remove = body.remove;
        if (set !== undefined && (typeof set !== "object" || set === null || Array.isArray(set)))
          throw new WechatEngineError("PARAM_ERROR", "set must be an object of dotted paths to values");
        if (remove !== undefined && (!Array.isArray(remove) || !remove.every((r) => typeof r === "string")))
          throw new WechatEngineError("PARAM_ERROR", "remove must be an array of dotted paths");
        control.rewriteAnswer(
          {
            operation: body.operation as WechatOperation | undefined,
            mchid,
            ...(set ? { set: set as Record<string, unknown> } : {}),
            ...(remove ? { remove: remove as string[] } : {}),
          },
          typeof body.times === "number" ? body.times : 1,
        );
        return reply(200, { ok: true });
      }
      case "delivery-mode": {
        control.setDeliveryMode(pickDeliveryMode(body));
        return reply(200, { ok: true });
      }
      case "drop-notification": {
        // {"out_trade_no"?, "kind"?: "trade" | "refund", "times"?}
        const kind = body.kind;
        if (kind !== undefined && kind !== "trade" && kind !== "refund")
          throw new WechatEngineError("PARAM_ERROR", "kind must be trade or refund");
        control.dropNotifications(
          {
            ...(typeof body.out_trade_no === "string" ? { outTradeNo: body.out_trade_no } : {}),
            ...(kind ? { kind } : {}),
          },
          typeof body.times === "number" ? body.times : 1,
        );
        return reply(200, { ok: true });
      }
      case "release-notifications": {
        const order = body.order === "reverse" ? "reverse" : "built";
        return reply(200, { released: control.releaseNotifications(order) });
      }
      case "refund-outcome": {
        const outcome = text("outcome");
        if (outcome !== "SUCCESS" && outcome !== "ABNORMAL" && outcome !== "CLOSED") {
          throw new WechatEngineError("PARAM_ERROR", "outcome must be SUCCESS, ABNORMAL or CLOSED");
        }
        control.setRefundOutcome(text("out_refund_no"), outcome, { ...(mchid ? { mchid } : {}) });
        return reply(200, { ok: true });
      }
      case "key-mode": {
        // {"mchid", "mode", "ratio"?, "schedule"?: [{"after_ms", "ratio"}], "seed"?}
        const mode = text("mode") as WechatKeyMode;
        if (!KEY_MODES.includes(mode))
          throw new WechatEngineError("PARAM_ERROR", `mode must be one of ${KEY_MODES.join(", ")}`);
        const schedule = Array.isArray(body.schedule)
          ? body.schedule.map((step: unknown, i: number) => {
              const s = (step ?? {}) as { after_ms?: unknown; ratio?: unknown };
              if (typeof s.after_ms !== "number" || typeof s.ratio !== "number")
                throw new WechatEngineError("PARAM_ERROR", `schedule[${i}] needs numbers after_ms and ratio`);
              return { afterMs: s.after_ms, ratio: s.ratio };
            })
          : undefined;
        try {
          control.setKeyMode(text("mchid"), mode, {
            ...(typeof body.ratio === "number" ? { ratio: body.ratio } : {}),
            ...(schedule ? { schedule } : {}),
            ...(typeof body.seed === "number" ? { seed: body.seed } : {}),
          });
        } catch (error) {
          if (error instanceof RangeError) throw new WechatEngineError("PARAM_ERROR", error.message);
          throw error;
        }
        const id = text("mchid");
        return reply(200, { mode, public_key_ratio: control.publicKeyRatio(id) });
      }
      case "sensitive-decrypt":
        return reply(200, {
          plaintext: control.decryptSensitive(text("ciphertext"), text("wechatpay_serial")),
        });
      case "sensitive-encrypt":
        return reply(200, { ciphertext: control.encryptForMerchant(text("mchid"), text("plaintext")) });
      case "rotate-certificate": {
        const cert = control.rotateCertificate({
          retirePrevious: body.retire_previous === true,
          signing: body.signing !== false,
          ...(typeof body.valid_for_ms === "number" ? { validForMs: body.valid_for_ms } : {}),
        });
        return reply(200, {
          serial_no: cert.serial,
          effective_time: cert.notBefore.toISOString(),
          expire_time: cert.notAfter.toISOString(),
        });
      }
      default:
        return reply(404, { code: "NOT_FOUND", message: `no control action ${action}` });
    }
  } catch (error) {
    if (error instanceof WechatEngineError)
      return reply(error.httpStatus, { code: error.code, message: error.message });
    return reply(400, { code: "PARAM_ERROR", message: String(error) });
  }
}

/** A buyer plan from the control API's JSON, checked field by field. */
function buyerPlan(body: Record<string, unknown>): WechatBuyerPlan {
  const kind = body.kind;
  switch (kind) {
    case "pays_at_once":
    case "never_pays":
      return { kind };
    case "pays_after":
    case "fails_after": {
      const afterMs = body.after_ms;
      if (typeof afterMs !== "number" || !Number.isFinite(afterMs) || afterMs < 0)
        throw new WechatEngineError("PARAM_ERROR", `${kind}: after_ms must be a number of milliseconds >= 0`);
      return { kind, afterMs };
    }
    case "refused": {
      const code = body.code;
      if (code !== "NOT_ENOUGH" && code !== "INVALID_REQUEST")
        throw new WechatEngineError("PARAM_ERROR", "refused: code must be NOT_ENOUGH or INVALID_REQUEST");
      return typeof body.message === "string" ? { kind, code, message: body.message } : { kind, code };
    }
    default:
      throw new WechatEngineError(
        "PARAM_ERROR",
        "kind must be one of pays_at_once, pays_after, never_pays, fails_after, refused",
      );
  }
}
