import { WechatEngineError, WechatTransportFault } from "./errors.js";

/** Faults a test (or a product user) can queue for the next matching call. */
export const WECHAT_FAULT_KINDS = [
  /** HTTP 500 SYSTEM_ERROR; WeChat sends it unsigned. Nothing took effect. */
  "SYSTEM_ERROR",
  /** No answer at all; nothing took effect. */
  "TIMEOUT",
  /** The call took effect (a refund was recorded), then the connection dropped before the answer. */
  "RESPONSE_LOST",
  "FREQUENCY_LIMITED",
  "NOT_ENOUGH",
  "USER_ACCOUNT_ABNORMAL",
  "RESOURCE_NOT_EXISTS",
  /**
   * Configuration errors production answers when the request's signature, the merchant's
   * authorization or the merchant itself is wrong, and a malformed request: nothing took effect.
   */
  "SIGN_ERROR",
  "NO_AUTH",
  "PARAM_ERROR",
  "MCH_NOT_EXISTS",
  /** A code no client maps (HTTP 400 SANDBOX_UNKNOWN_CODE), for testing how unmapped codes are handled. */
  "SANDBOX_UNKNOWN_CODE",
] as const;
export type WechatFaultKind = (typeof WECHAT_FAULT_KINDS)[number];

export const WECHAT_OPERATIONS = [
  "create_order",
  "query_order",
  "close_order",
  "refund",
  "query_refund",
  "list_refunds",
  "codepay",
  "reverse",
] as const;
export type WechatOperation = (typeof WECHAT_OPERATIONS)[number];

export interface WechatFault {
  readonly kind: WechatFaultKind;
  /** Only this operation consumes the fault; any operation when omitted. */
  readonly operation?: WechatOperation | undefined;
  /** Only this merchant's calls consume the fault; any merchant when omitted. */
  readonly mchid?: string | undefined;
}

const MESSAGES: Record<Exclude<WechatFaultKind, "TIMEOUT" | "RESPONSE_LOST">, string> = {
  SYSTEM_ERROR: "系统异常,请稍后重试",
  FREQUENCY_LIMITED: "频率限制",
  NOT_ENOUGH: "余额不足",
  USER_ACCOUNT_ABNORMAL: "退款请求失败",
  RESOURCE_NOT_EXISTS: "订单号不存在",
  SIGN_ERROR: "签名错误",
  NO_AUTH: "商户无权限",
  PARAM_ERROR: "参数错误",
  MCH_NOT_EXISTS: "商户号不存在",
  SANDBOX_UNKNOWN_CODE: "沙箱注入的未知错误码",
};

/** A FIFO of one-shot faults; each call consumes at most the first fault that matches it. */
export class FaultQueue {
  private readonly queue: WechatFault[] = [];

  push(fault: WechatFault, times = 1): void {
    for (let i = 0; i < times; i += 1) this.queue.push(fault);
  }

  clear(): void {
    this.queue.length = 0;
  }

  get pending(): readonly WechatFault[] {
    return [...this.queue];
  }

  take(mchid: string, operation: WechatOperation): WechatFault | undefined {
    const index = this.queue.findIndex(
      (f) =>
        (f.operation === undefined || f.operation === operation) &&
        (f.mchid === undefined || f.mchid === mchid),
    );
    if (index < 0) return undefined;
    const [fault] = this.queue.splice(index, 1);
    return fault;
  }
}

/** Raises the fault before the operation runs; RESPONSE_LOST is raised after it, by the engine. */
export function raiseFaultBefore(fault: WechatFault): void {
  if (fault.kind === "RESPONSE_LOST") return;
  if (fault.kind === "TIMEOUT") throw new WechatTransportFault("timeout");
  throw new WechatEngineError(fault.kind, `${MESSAGES[fault.kind]} (injected)`);
}
