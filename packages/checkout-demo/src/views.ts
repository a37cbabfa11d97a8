/** What the shop's API answers for a refund and an order (the cashier page and the scenario read these). */
export interface RefundView {
  readonly outRefundNo: string;
  readonly amountYuan: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly refund: {
    readonly state: number;
    readonly name: string;
    readonly label: string;
    readonly rawStatus: string;
  };
}

export interface OrderView {
  readonly outTradeNo: string;
  readonly description: string;
  readonly channel: string;
  readonly provider: string;
  readonly merchantId: string;
  readonly amountYuan: string;
  /** What can still be refunded: the amount less every refund not closed (6). */
  readonly refundableYuan: string;
  readonly action: unknown;
  readonly trade: {
    readonly state: number;
    readonly name: string;
    readonly label: string;
    readonly rawStatus: string;
  };
  readonly refunds: readonly RefundView[];
}
