import { rewriteAnswer } from "../shared/answer-rewrite.js";
import type { WechatMerchantEngine } from "../wechat/engine/engine.js";
import { WechatEngineError, WechatTransportFault } from "../wechat/engine/errors.js";
import type { TradeChangedEvent } from "../wechat/engine/events.js";
import {
  type CallbackTarget,
  type CloudPayCallbackEvent,
  type CloudPayMethodContext,
  type CloudPayResultMethodName,
  callbackEvent,
  downloadBill,
  head,
  RESULT_METHODS,
  targetKey,
} from "./methods/index.js";
import { asParams, CloudPayParamError, type Params } from "./params.js";
import { type CloudPayAnswer, camelCaseKeys, type Identity } from "./wire.js";

export const CLOUDPAY_SIM_METHODS = [
  "unifiedOrder",
  "queryOrder",
  "closeOrder",
  "refund",
  "queryRefund",
  "downloadBill",
] as const;
export type CloudPaySimMethod = (typeof CLOUDPAY_SIM_METHODS)[number];

export type { CloudPayCallbackEvent } from "./methods/index.js";

export interface CloudPaySimulatorCallback {
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

/**
 * wx-server-sdk's `cloud.cloudPay` for tests and local runs: the same six methods and the answer
 * shapes of the doc pages, every rule decided by the shared WechatMerchantEngine. A refund made
 * through this object is visible through the v3 HTTP simulator on the same engine, and back.
 */
export class CloudPaySimulator {
  readonly engine: WechatMerchantEngine;
  private readonly identity: Identity;
  private readonly keyStyle: "documented" | "camelCase";
  private readonly targets = new Map<string, CallbackTarget>();
  /** What the method handlers (methods/*.ts) see. */
  private readonly context: CloudPayMethodContext;
  private readonly delivered: CloudPaySimulatorCallback[] = [];
  private readonly handlers = new Set<(callback: CloudPaySimulatorCallback) => void>();
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
    this.context = { engine: this.engine, identity: this.identity, targets: this.targets };
    this.unsubscribe = this.engine.onEvent((event) => {
      if (event.kind === "trade" && event.to === "SUCCESS") this.callback(event);
    });
  }

  /** Stops listening to the engine. */
  close(): void {
    this.unsubscribe();
  }

  // ------------------------------------------------------------------ cloud.cloudPay methods

  // One line per method: the handlers live in methods/*.ts, one file per method.

  unifiedOrder(params: object): Promise<CloudPayAnswer> {
    return this.answer("unifiedOrder", params);
  }

  queryOrder(params: object): Promise<CloudPayAnswer> {
    return this.answer("queryOrder", params);
  }

  closeOrder(params: object): Promise<CloudPayAnswer> {
    return this.answer("closeOrder", params);
  }

  refund(params: object): Promise<CloudPayAnswer> {
    return this.answer("refund", params);
  }

  queryRefund(params: object): Promise<CloudPayAnswer> {
    return this.answer("queryRefund", params);
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
      return downloadBill(this.context, asParams(params));
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
  get callbacks(): readonly CloudPaySimulatorCallback[] {
    return [...this.delivered];
  }

  /** Removes and returns the oldest callback for `outTradeNo`; undefined when there is none. */
  takeCallback(outTradeNo: string): CloudPaySimulatorCallback | undefined {
    const index = this.delivered.findIndex((c) => c.event.outTradeNo === outTradeNo);
    if (index < 0) return undefined;
    const [callback] = this.delivered.splice(index, 1);
    return callback;
  }

  /** Runs `handler` for every callback, like the cloud function named in unifiedOrder. */
  onCallback(handler: (callback: CloudPaySimulatorCallback) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  // ------------------------------------------------------------------ internals

  private takeInjected(method: CloudPaySimMethod): CloudPayInjected | undefined {
    return this.injected.get(method)?.shift();
  }

  /**
   * Runs one call: injected answers first, then the engine. Engine refusals become result_code
   * FAIL with the v2 err_code; transport faults become a thrown SDK error, as wx-server-sdk throws
   * "cloudPay.<method>:fail ..." when the call does not complete.
   */
  private async answer(method: CloudPayResultMethodName, params: object): Promise<CloudPayAnswer> {
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
      const result = RESULT_METHODS[method](this.context, asParams(params));
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
    return {
      ...head(this.context, subMchId),
      result_code: "FAIL",
      err_code: errCode,
      err_code_des: errCodeDes,
    };
  }

  private style(answer: Record<string, unknown>): CloudPayAnswer {
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(answer)) if (v !== undefined) clean[k] = v;
    return this.keyStyle === "camelCase" ? camelCaseKeys(clean) : clean;
  }

  private callback(event: TradeChangedEvent): void {
    const target = this.targets.get(targetKey(event.mchid, event.order.outTradeNo));
    if (!target) return; // Not ordered through CloudPay: its notification goes to the v3 notify_url.
    const callback: CloudPaySimulatorCallback = {
      envId: target.envId,
      functionName: target.functionName,
      event: callbackEvent(this.identity, event, target),
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
