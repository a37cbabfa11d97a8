/**
 * Refunds this provider instance has seen succeed, per order, in fen. alipay.trade.query carries
 * no refund fields and Alipay keeps TRADE_SUCCESS after a partial refund, so this memory (plus the
 * caller's ledger) is what turns such a trade into the unified 4. Bounded: oldest orders drop out.
 */
export class RefundEvidence {
  private readonly refunded = new Map<string, number>();
  constructor(private readonly capacity = 10_000) {}

  /** Records the trade's total refunded so far (Alipay's refund_fee), keeping the largest seen. */
  note(outTradeNo: string, totalRefundedFen: number): void {
    if (totalRefundedFen <= 0) return;
    const previous = this.refunded.get(outTradeNo) ?? 0;
    this.refunded.delete(outTradeNo);
    this.refunded.set(outTradeNo, Math.max(previous, totalRefundedFen));
    if (this.refunded.size > this.capacity) {
      const oldest = this.refunded.keys().next().value;
      if (oldest !== undefined) this.refunded.delete(oldest);
    }
  }

  refundedFen(outTradeNo: string): number {
    return this.refunded.get(outTradeNo) ?? 0;
  }
}
