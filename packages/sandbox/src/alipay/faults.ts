import type { SubCode } from "./errors.js";

/**
 * Fault injection, one fault per call, consumed in order (like the WeChat simulator's queue):
 * - system_error: 40004 ACQ.SYSTEM_ERROR, nothing recorded (retry with the same parameters);
 * - balance_not_enough: 40004 ACQ.SELLER_BALANCE_NOT_ENOUGH, nothing recorded;
 * - timeout: the request is held without an answer until the client gives up; nothing recorded;
 * - response_lost: the call takes effect (a refund is recorded), then the connection is cut;
 * - bad_signature: the call takes effect and the answer's signature is corrupted;
 * - unknown_cert_sn: the call takes effect and the answer is a forgery: it names an
 *   alipay_cert_sn Alipay never issued and is signed with a key that is not Alipay's;
 * - configuration errors, nothing recorded: invalid_signature (40002 isv.invalid-signature, the
 *   request's signature), insufficient_permissions (40006 isv.insufficient-isv-permissions),
 *   invalid_app_id (40002 isv.invalid-app-id), invalid_parameter (40004 ACQ.INVALID_PARAMETER);
 * - unknown_code: 40004 with a sub_code no client maps (ACQ.SANDBOX_UNKNOWN_CODE), nothing recorded.
 */
export type AlipayFaultKind =
  | "system_error"
  | "balance_not_enough"
  | "timeout"
  | "response_lost"
  | "bad_signature"
  | "unknown_cert_sn"
  | "invalid_signature"
  | "insufficient_permissions"
  | "invalid_app_id"
  | "invalid_parameter"
  | "unknown_code";

/** Fault kinds answered with a gateway error before the method runs, by the sub_code they answer. */
export const ALIPAY_ERROR_FAULTS = {
  system_error: "ACQ.SYSTEM_ERROR",
  invalid_signature: "isv.invalid-signature",
  insufficient_permissions: "isv.insufficient-isv-permissions",
  invalid_app_id: "isv.invalid-app-id",
  invalid_parameter: "ACQ.INVALID_PARAMETER",
  unknown_code: "ACQ.SANDBOX_UNKNOWN_CODE",
} as const satisfies Partial<Record<AlipayFaultKind, SubCode>>;

export const ALIPAY_FAULT_KINDS: readonly AlipayFaultKind[] = [
  ...(Object.keys(ALIPAY_ERROR_FAULTS) as AlipayFaultKind[]),
  "balance_not_enough",
  "timeout",
  "response_lost",
  "bad_signature",
  "unknown_cert_sn",
];

export interface AlipayFault {
  readonly kind: AlipayFaultKind;
  /** Only the next call of this method (e.g. "alipay.trade.refund"); any method when omitted. */
  readonly method?: string;
}

export class FaultQueue {
  private readonly queue: AlipayFault[] = [];

  push(fault: AlipayFault): void {
    this.queue.push(fault);
  }

  /** Removes and returns the first fault that applies to `method`. */
  take(method: string): AlipayFault | undefined {
    const index = this.queue.findIndex((f) => f.method === undefined || f.method === method);
    if (index < 0) return undefined;
    return this.queue.splice(index, 1)[0];
  }

  get pending(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue.length = 0;
  }
}
