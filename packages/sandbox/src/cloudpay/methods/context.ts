import { randomBytes } from "node:crypto";
import type { WechatMerchantEngine } from "../../wechat/engine/engine.js";
import type { Params } from "../params.js";
import type { Identity } from "../wire.js";

/** Where a CloudPay order's pay-result callback goes: the cloud function unifiedOrder named. */
export interface CallbackTarget {
  readonly envId: string;
  readonly functionName: string;
  readonly subOpenid?: string;
}

/** What a CloudPay method handler sees: the shared engine, the simulator's identity and its callback book. */
export interface CloudPayMethodContext {
  readonly engine: WechatMerchantEngine;
  readonly identity: Identity;
  /** Callback targets by `${subMchId}\u0000${outTradeNo}`. */
  readonly targets: Map<string, CallbackTarget>;
}

/**
 * A method answered in the result_code envelope (everything but downloadBill): the business fields
 * of a SUCCESS answer; refusals are thrown (CloudPayParamError, WechatEngineError) and rendered by
 * the simulator as result_code FAIL.
 */
export type CloudPayResultMethod = (ctx: CloudPayMethodContext, p: Params) => Record<string, unknown>;

export function nonce(): string {
  return randomBytes(16).toString("hex");
}

/** The target key of one order. */
export function targetKey(subMchId: string, outTradeNo: string): string {
  return `${subMchId}\u0000${outTradeNo}`;
}
