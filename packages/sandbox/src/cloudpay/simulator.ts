import { randomBytes } from "node:crypto";
import { rewriteAnswer } from "../shared/answer-rewrite.js";
import { formatBeijingCompact } from "../shared/time-format.js";
import type { WechatMerchantEngine } from "../wechat/engine/engine.js";
import { WechatEngineError, WechatTransportFault } from "../wechat/engine/errors.js";
import type { TradeChangedEvent } from "../wechat/engine/events.js";
import type { EngineOrder, WechatOrderChannel } from "../wechat/engine/types.js";
import { renderBill } from "./bill.js";
import {
  asParams,
  CloudPayParamError,
  fen,
  OUT_REFUND_NO,
  OUT_TRADE_NO,
  oneOf,
  optInt,
  optStr,
  type Params,
  str,
} from "./params.js";
import {
  type CloudPayAnswer,
  camelCaseKeys,
  envelope,
  type Identity,
  renderOrder,
  renderRefundAccepted,
  renderRefundItem,
  V2_TRADE_TYPE,
} from "./wire.js";

export const CLOUDPAY_SIM_METHODS = [
  "unifiedOrder",
  "queryOrder",
  "closeOrder",
  "refund",
  "queryRefund",
  "downloadBill",
] as const;
export type CloudPaySimMethod = (typeof CLOUDPAY_SIM_METHODS)[number];

/**
 * The object a cloud function receives as its pay-result callback event
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/open/pay/paymentCallback.html;
 * key names as in the example of
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloudrun/src/development/pay/callback/index.html).
 */
export type CloudPayCallbackEvent = Readonly<Record<string, string | number>>;

export interface CloudPayCallback {
  readonly envId: string;
  readonly functionName: string;
  readonly event: CloudPayCallbackEvent;
}

/** A transport-level answer queued for the next call of one method (codes the engine never produces). */
export type CloudPayInjected =
  | { readonly kind: "result_fail"; readonly errCode: string; readonly errCodeDes?: string }
  | { readonly kind: "return_fail"; readonly returnMsg: string }
  | { readonly kind: "throw"; readonly message: string }
  /**
   * The call runs, then its answer goes out with fields (snake_case, as documented) set or removed:
   * an answer about another order or refund, or one without a field (shared/answer-rewrite.ts).
   */
  | {
      readonly kind: "rewrite";
      readonly set?: Readonly<Record<string, unknown>>;
      readonly remove?: readonly string[];
    };

export interface CloudPaySimulatorOptions {
  /** The WeChat merchant engine shared with the v3 HTTP simulator: one engine, one state. */
  readonly engine: WechatMerchantEngine;
  /** The service provider's appid / mch_id / the mini program appid that answers echo. */
  readonly identity?: Partial<Identity>;
  /** "documented" (snake_case business fields, as the doc pages) or "camelCase" (as the live service). */
  readonly keyStyle?: "documented" | "camelCase";
}

const CHANNELS = { JSAPI: "jsapi", NATIVE: "native", MWEB: "h5", APP: "app" } as const satisfies Record<
  string,
  WechatOrderChannel
>;

function nonce(): string {
  return randomBytes(16).toString("hex");
}

/**
 * wx-server-sdk's `cloud.cloudPay` for tests and local runs: the same six methods and the answer
 * shapes of the doc pages, every rule decided by the shared WechatMerchantEngine. A refund made
 * through this object is visible through the v3 HTTP simulator on the same engine, and back.
 */
export class CloudPaySimulator {
  readonly engine: WechatMerchantEngine;
  private readonly identity: Identity;
  private readonly keyStyle: "documented" | "camelCase";
  private readonly targets = new Map<string, { envId: string; functionName: string; subOpenid?: string }>();
  private readonly delivered: CloudPayCallback[] = [];
  private readonly handlers = new Set<(callback: CloudPayCallback) => void>();
  private readonly injected = new Map<CloudPaySimMethod, CloudPayInjected[]>();
  private readonly unsubscribe: () => void;
  /** Calls received, whatever their outcome. */
  calls = 0;

  constructor(options: CloudPaySimulatorOptions) {
    this.engine = options.engine;
    this.identity = {
      appid: options.identity?.appid ?? "wxd678efh567hg6787",
      mchId: options.identity?.mchId ?? "1230000109",
      subAppid: options.identity?.subAppid ?? "wx8888888888888888",
    };
    this.keyStyle = options.keyStyle ?? "documented";
    this.unsubscribe = this.engine.onEvent((event) => {
      if (event.kind === "trade" && event.to === "SUCCESS") this.callback(event);
    });
  }

  /** Stops listening to the engine. */
  close(): void {
    this.unsubscribe();
  }

  // ------------------------------------------------------------------ cloud.cloudPay methods

  unifiedOrder(params: object): Promise<CloudPayAnswer> {
    return this.answer("unifiedOrder", params, (p) => {
      const subMchId = str(p, "subMchId", 32);
      const functionName = str(p, "functionName", 128);
      const envId = str(p, "envId", 128);
      str(p, "nonceStr", 32);
      str(p, "spbillCreateIp", 64);
      const tradeType = oneOf(p, "tradeType", ["JSAPI", "NATIVE", "APP", "MWEB"] as const) ?? "JSAPI";
      const openid = optStr(p, "openid", 128);
      const subOpenid = optStr(p, "subOpenid", 128);
      // v2 unified order: "trade_type=JSAPI时（即JSAPI支付），此参数必传" (openid or sub_openid).
      if (tradeType === "JSAPI" && !openid && !subOpenid) {
        throw new CloudPayParamError("openid", "is required for tradeType JSAPI (or subOpenid)");
      }
      const timeExpire = optStr(p, "timeExpire", 14, /^\d{14}$/);
      const order = this.engine.createOrder(subMchId, {
        appid: optStr(p, "subAppid", 32) ?? this.identity.subAppid,
        outTradeNo: str(p, "outTradeNo", 32, OUT_TRADE_NO),
        description: str(p, "body", 128),
        totalFen: fen(p, "totalFee"),
        currency: optStr(p, "feeType", 16) ?? "CNY",
        notifyUrl: `cloud://${envId}/${functionName}`,
        channel: CHANNELS[tradeType],
        payerOpenid: subOpenid ?? openid,
        payerClientIp: optStr(p, "spbillCreateIp", 64),
        attach: optStr(p, "attach", 127),
        timeExpire: timeExpire === undefined ? undefined : beijingCompactToDate(timeExpire),
      });
      this.targets.set(`${subMchId}\u0000${order.outTradeNo}`, {
        envId,
        functionName,
        ...(subOpenid ? { subOpenid } : {}),
      });
      const ts = String(Math.floor(this.engine.now().getTime() / 1000));
      const paymentNonce = nonce().slice(0, 16);
      return {
        ...this.head(subMchId),
        trade_type: V2_TRADE_TYPE[order.tradeType],
        prepay_id: order.prepayId,
        ...(order.codeUrl ? { code_url: order.codeUrl } : {}),
        payment: {
          appId: order.appid,
          timeStamp: ts,
          nonceStr: paymentNonce,
          package: `prepay_id=${order.prepayId}`,
          signType: "MD5",
          paySign: nonce().toUpperCase(),
        },
      };
    });
  }

  queryOrder(params: object): Promise<CloudPayAnswer> {
    return this.answer("queryOrder", params, (p) => {
      const subMchId = str(p, "sub_mch_id", 32);
      str(p, "nonce_str", 32);
      const transactionId = optStr(p, "transaction_id", 32);
      const outTradeNo = optStr(p, "out_trade_no", 32);
      if (!transactionId && !outTradeNo)
        throw new CloudPayParamError("out_trade_no", "give transaction_id or out_trade_no");
      // "微信的订单号，优先使用": transaction_id wins when both are given.
      const order = this.engine.getOrder(
        subMchId,
        transactionId ? { transactionId } : { outTradeNo: outTradeNo ?? "" },
      );
      return { ...this.head(subMchId), ...renderOrder(order) };
    });
  }

  closeOrder(params: object): Promise<CloudPayAnswer> {
    return this.answer("closeOrder", params, (p) => {
      const subMchId = str(p, "sub_mch_id", 32);
      str(p, "nonce_str", 32);
      this.engine.closeOrder(subMchId, str(p, "out_trade_no", 32, OUT_TRADE_NO));
      return { ...this.head(subMchId), result_msg: "OK" };
    });
  }

  /** CloudPay.refund, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html. */
  refund(params: object): Promise<CloudPayAnswer> {
    return this.answer("refund", params, (p) => {
      const subMchId = str(p, "sub_mch_id", 32);
      str(p, "nonce_str", 32);
      const transactionId = optStr(p, "transaction_id", 32);
      const outTradeNo = optStr(p, "out_trade_no", 32, OUT_TRADE_NO);
      if (!transactionId && !outTradeNo) {
        throw new CloudPayParamError("out_trade_no", "transaction_id 和 out_trade_no 必须二选一");
      }
      const account = oneOf(p, "refund_account", [
        "REFUND_SOURCE_UNSETTLED_FUNDS",
        "REFUND_SOURCE_RECHARGE_FUNDS",
      ] as const);
      const refundFeeType = optStr(p, "refund_fee_type", 8);
      let outcome: ReturnType<WechatMerchantEngine["refund"]>;
      try {
        outcome = this.engine.refund(subMchId, {
          transactionId,
          outTradeNo: transactionId ? undefined : outTradeNo,
          outRefundNo: str(p, "out_refund_no", 64, OUT_REFUND_NO),
          refundFen: fen(p, "refund_fee"),
          totalFen: fen(p, "total_fee"),
          currency: refundFeeType,
          reason: optStr(p, "refund_desc", 80),
          fundsAccount: account === "REFUND_SOURCE_RECHARGE_FUNDS" ? "AVAILABLE" : "UNSETTLED",
        });
      } catch (error) {
        // v2 refund: an unknown transaction_id is INVALID_TRANSACTIONID ("检查原交易号是否存在", CloudPay.refund).
        if (error instanceof WechatEngineError && transactionId && error.v2Code === "ORDERNOTEXIST") {
          throw new WechatEngineError(error.code, error.message, error.rule, "INVALID_TRANSACTIONID");
        }
        throw error;
      }
      const order = this.engine.peekOrder(outcome.refund.outTradeNo, subMchId);
      if (!order) throw new WechatEngineError("SYSTEM_ERROR", "refund without its order");
      return { ...this.head(subMchId), ...renderRefundAccepted(outcome.refund, order) };
    });
  }

  /** CloudPay.queryRefund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html): at most 10 refunds per answer, offset paging, key priority decided by the engine. */
  queryRefund(params: object): Promise<CloudPayAnswer> {
    return this.answer("queryRefund", params, (p) => {
      const subMchId = str(p, "sub_mch_id", 32);
      str(p, "nonce_str", 32);
      const offset = optInt(p, "offset");
      const page = this.engine.queryRefunds(subMchId, {
        refundId: optStr(p, "refund_id", 32),
        outRefundNo: optStr(p, "out_refund_no", 64),
        transactionId: optStr(p, "transaction_id", 32),
        outTradeNo: optStr(p, "out_trade_no", 32),
        offset,
        limit: 10,
      });
      const order = page.order;
      let items: Record<string, unknown> = {};
      page.refunds.forEach((r, n) => {
        items = { ...items, ...renderRefundItem(r, n) };
      });
      return {
        ...this.head(subMchId),
        transaction_id: order.transactionId,
        out_trade_no: order.outTradeNo,
        total_fee: order.totalFen,
        fee_type: order.currency,
        cash_fee: order.payerTotalFen ?? order.totalFen,
        refund_count: page.refunds.length,
        // "订单总共已发生的部分退款次数，当请求参数传入offset后有返回" (CloudPay.queryRefund).
        ...(offset !== undefined ? { total_refund_count: page.totalCount } : {}),
        ...items,
      };
    });
  }

  /** https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/open/pay/CloudPay.downloadBill.html */
  async downloadBill(params: object): Promise<CloudPayAnswer> {
    this.calls += 1;
    const injected = this.takeInjected("downloadBill");
    if (injected?.kind === "throw") throw new Error(`cloudPay.downloadBill:fail ${injected.message}`);
    if (injected) {
      return {
        returnCode: "FAIL",
        returnMsg:
          injected.kind === "return_fail"
            ? injected.returnMsg
            : injected.kind === "result_fail"
              ? (injected.errCodeDes ?? injected.errCode)
              : "an answer rewrite does not apply to downloadBill",
        ...(injected.kind === "result_fail" ? { errorCode: injected.errCode } : {}),
      };
    }
    try {
      const p = asParams(params);
      const subMchId = str(p, "sub_mch_id", 32);
      str(p, "nonce_str", 32);
      const billDate = str(p, "bill_date", 8, /^\d{8}$/);
      const billType = oneOf(p, "bill_type", ["ALL", "SUCCESS", "REFUND"] as const) ?? "ALL";
      if (!this.engine.hasMerchant(subMchId))
        return { returnCode: "FAIL", returnMsg: "MCHID_NOT_EXIST", errorCode: "20003" };
      const orders = this.engine.listOrders(subMchId);
      const refunds = orders.flatMap((o) => this.engine.refundsOf(o.outTradeNo, subMchId));
      const text = renderBill(
        { appid: this.identity.appid, mchId: this.identity.mchId, subMchId, orders, refunds },
        billDate,
        billType,
      );
      // v2 downloadbill answers "No Bill Exist" for a day without records.
      if (text === undefined) return { returnCode: "FAIL", returnMsg: "No Bill Exist", errorCode: "20002" };
      return { returnCode: "SUCCESS", returnMsg: "OK", data: text };
    } catch (error) {
      if (error instanceof CloudPayParamError)
        return { returnCode: "FAIL", returnMsg: error.message, errorCode: "20001" };
      throw error;
    }
  }

  // ------------------------------------------------------------------ test controls

  /** Queues an answer for the next call of `method` (err_code the engine never produces, SDK failures). */
  inject(method: CloudPaySimMethod, answer: CloudPayInjected, times = 1): void {
    const queue = this.injected.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(answer);
    this.injected.set(method, queue);
  }

  /** Every callback sent so far, oldest first. */
  get callbacks(): readonly CloudPayCallback[] {
    return [...this.delivered];
  }

  /** Removes and returns the oldest callback for `outTradeNo`; undefined when there is none. */
  takeCallback(outTradeNo: string): CloudPayCallback | undefined {
    const index = this.delivered.findIndex((c) => c.event.outTradeNo === outTradeNo);
    if (index < 0) return undefined;
    const [callback] = this.delivered.splice(index, 1);
    return callback;
  }

  /** Runs `handler` for every callback, like the cloud function named in unifiedOrder. */
  onCallback(handler: (callback: CloudPayCallback) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  // ------------------------------------------------------------------ internals

  private head(subMchId: string): Record<string, unknown> {
    return envelope(this.identity, subMchId, nonce());
  }

  private takeInjected(method: CloudPaySimMethod): CloudPayInjected | undefined {
    return this.injected.get(method)?.shift();
  }

  /**
   * Runs one call: injected answers first, then the engine. Engine refusals become result_code
   * FAIL with the v2 err_code; transport faults become a thrown SDK error, as wx-server-sdk throws
   * "cloudPay.<method>:fail ..." when the call does not complete.
   */
  private async answer(
    method: CloudPaySimMethod,
    params: object,
    run: (p: Params) => Record<string, unknown>,
  ): Promise<CloudPayAnswer> {
    this.calls += 1;
    const injected = this.takeInjected(method);
    if (injected?.kind === "throw") throw new Error(`cloudPay.${method}:fail ${injected.message}`);
    if (injected?.kind === "return_fail")
      return this.style({ returnCode: "FAIL", returnMsg: injected.returnMsg });
    const subMchId =
      typeof (params as Params).sub_mch_id === "string"
        ? String((params as Params).sub_mch_id)
        : String((params as Params).subMchId ?? "");
    if (injected?.kind === "result_fail") {
      return this.style(this.fail(subMchId, injected.errCode, injected.errCodeDes ?? injected.errCode));
    }
    try {
      const result = run(asParams(params));
      return this.style(injected?.kind === "rewrite" ? rewriteAnswer(result, injected) : result);
    } catch (error) {
      if (error instanceof CloudPayParamError)
        return this.style(this.fail(subMchId, "PARAM_ERROR", error.message));
      if (error instanceof WechatEngineError)
        return this.style(this.fail(subMchId, v2Code(error), error.message));
      if (error instanceof WechatTransportFault) {
        throw new Error(
          `cloudPay.${method}:fail ${error.kind === "timeout" ? "timeout" : "connection reset"}`,
        );
      }
      throw error;
    }
  }

  private fail(subMchId: string, errCode: string, errCodeDes: string): Record<string, unknown> {
    return { ...this.head(subMchId), result_code: "FAIL", err_code: errCode, err_code_des: errCodeDes };
  }

  private style(answer: Record<string, unknown>): CloudPayAnswer {
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(answer)) if (v !== undefined) clean[k] = v;
    return this.keyStyle === "camelCase" ? camelCaseKeys(clean) : clean;
  }

  private callback(event: TradeChangedEvent): void {
    const order: Readonly<EngineOrder> = event.order;
    const target = this.targets.get(`${event.mchid}\u0000${order.outTradeNo}`);
    if (!target) return; // Not ordered through CloudPay: its notification goes to the v3 notify_url.
    const callbackEvent: Record<string, string | number> = {
      returnCode: "SUCCESS",
      appid: this.identity.appid,
      mchId: this.identity.mchId,
      subAppid: order.appid,
      subMchId: event.mchid,
      nonceStr: nonce().slice(0, 16),
      resultCode: "SUCCESS",
      openid: order.payerOpenid ?? "",
      isSubscribe: "N",
      ...(target.subOpenid ? { subOpenid: target.subOpenid, subIsSubscribe: "N" } : {}),
      tradeType: V2_TRADE_TYPE[order.tradeType],
      bankType: order.bankType ?? "OTHERS",
      totalFee: order.totalFen,
      feeType: order.currency,
      cashFee: order.payerTotalFen ?? order.totalFen,
      transactionId: order.transactionId ?? "",
      outTradeNo: order.outTradeNo,
      timeEnd: order.successTime ? formatBeijingCompact(order.successTime) : "",
      ...(order.attach ? { attach: order.attach } : {}),
    };
    const callback: CloudPayCallback = {
      envId: target.envId,
      functionName: target.functionName,
      event: callbackEvent,
    };
    this.delivered.push(callback);
    for (const handler of this.handlers) handler(callback);
  }
}

/**
 * The engine's v2 code, with one CloudPay rendering: the engine's per-second limit on failed
 * calls is what the CloudPay.refund page calls INVALID_REQ_TOO_MUCH ("连续错误请求数过多被系统短暂屏蔽"); the
 * other FREQUENCY_LIMITED refusals stay FREQUENCY_LIMITED.
 */
function v2Code(error: WechatEngineError): string {
  if (error.rule === "rate_failure") return "INVALID_REQ_TOO_MUCH";
  return error.v2Code;
}

function beijingCompactToDate(text: string): Date {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) =>
    Number(text.slice(i, i + (k === 0 ? 4 : 2))),
  );
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) - 8 * 3600_000);
}
