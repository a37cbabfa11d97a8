/**
 * Fault injection, one fault per call, consumed in order (like the WeChat simulator's queue):
 * - system_error: 40004 ACQ.SYSTEM_ERROR, nothing recorded (retry with the same parameters);
 * - balance_not_enough: 40004 ACQ.SELLER_BALANCE_NOT_ENOUGH, nothing recorded;
 * - timeout: the request is held without an answer until the client gives up; nothing recorded;
 * - response_lost: the call takes effect (a refund is recorded), then the connection is cut;
 * - bad_signature: the call takes effect and the answer's signature is corrupted;
 * - unknown_cert_sn: the call takes effect and the answer is a forgery: it names an
 *   alipay_cert_sn Alipay never issued and is signed with a key that is not Alipay's.
 */
export type AlipayFaultKind =
  | "system_error"
  | "balance_not_enough"
  | "timeout"
  | "response_lost"
  | "bad_signature"
  | "unknown_cert_sn";

export const ALIPAY_FAULT_KINDS = [
  "system_error",
  "balance_not_enough",
  "timeout",
  "response_lost",
  "bad_signature",
  "unknown_cert_sn",
] as const satisfies readonly AlipayFaultKind[];

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
