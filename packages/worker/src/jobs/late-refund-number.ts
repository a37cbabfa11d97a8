/**
 * The refund number of a late payment's automatic refund: derived from the order number alone, so
 * every run, instance and retry after a crash asks the refund engine for the same refund, and
 * the engine (and the provider: "同一退款单号多次请求只退一笔") refunds it at most once. '*' is
 * allowed in an order number but not in a refund number; '@' is the reverse, so the mapping is
 * one to one. The "-LATE" suffix is reserved for this.
 */
export function lateRefundNo(outTradeNo: string): string {
  return `${outTradeNo.replaceAll("*", "@")}-LATE`;
}
