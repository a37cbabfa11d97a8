import { RefundState, TradeState, UnknownStatusError } from "@paybridge/core/provider-kit";
import { ALIPAY_PROVIDER } from "./errors.js";

/**
 * Alipay trade_status values (https://opendocs.alipay.com/open/02ekfh, 交易状态):
 * WAIT_BUYER_PAY 交易创建等待买家付款, TRADE_CLOSED 未付款交易超时关闭或支付完成后全额退款,
 * TRADE_SUCCESS 交易支付成功, TRADE_FINISHED 交易结束不可退款.
 */
export const ALIPAY_TRADE_STATUSES = [
  "WAIT_BUYER_PAY",
  "TRADE_SUCCESS",
  "TRADE_FINISHED",
  "TRADE_CLOSED",
] as const;
export type AlipayTradeStatus = (typeof ALIPAY_TRADE_STATUSES)[number];

/** What else the answer (or this provider) knows about the trade besides its status. */
export interface TradeEvidence {
  /** The buyer paid: send_pay_date / gmt_payment present. */
  readonly paid: boolean;
  /** Some money was refunded: refund_fee > 0, gmt_refund, out_biz_no, or a refund this provider saw succeed. */
  readonly refunded: boolean;
}

export const TRADE_STATUS_MAP = {
  WAIT_BUYER_PAY: () => TradeState.UNPAID,
  // Alipay keeps TRADE_SUCCESS after a partial refund; any refund makes the unified trade 4.
  TRADE_SUCCESS: (e) => (e.refunded ? TradeState.REFUND : TradeState.PAID),
  // Paid and past the refund window: still paid (3), or 4 when it had been partly refunded.
  TRADE_FINISHED: (e) => (e.refunded ? TradeState.REFUND : TradeState.PAID),
  // One status for two facts: unpaid and timed out / closed (1), or paid then fully refunded (4).
  TRADE_CLOSED: (e) => (e.paid || e.refunded ? TradeState.REFUND : TradeState.CLOSED),
} as const satisfies Record<AlipayTradeStatus, (evidence: TradeEvidence) => TradeState>;

export function isAlipayTradeStatus(value: unknown): value is AlipayTradeStatus {
  return typeof value === "string" && (ALIPAY_TRADE_STATUSES as readonly string[]).includes(value);
}

export function mapTradeStatus(raw: unknown, evidence: TradeEvidence): TradeState {
  if (!isAlipayTradeStatus(raw))
    throw new UnknownStatusError("alipay trade_status", raw, { provider: ALIPAY_PROVIDER });
  return TRADE_STATUS_MAP[raw](evidence);
}

/**
 * alipay.trade.fastpay.refund.query (https://opendocs.alipay.com/open/02ekfl) answers code 10000
 * whether or not the refund happened: 10000 only means the query ran. The current page: the
 * refund succeeded only when refund_status is REFUND_SUCCESS; without it the refund did not
 * succeed (yet) ("未返回该字段表示退款请求未收到或者退款失败"), and the merchant retries the refund
 * with the same out_request_no and the same amount, querying no sooner than 10 s after the
 * request. Older pages said any refund data meant success; some older products still answer that
 * way, which `legacyRefundQuery` (off by default) reads.
 */
export const ALIPAY_REFUND_STATUSES = ["REFUND_SUCCESS"] as const;
export type AlipayRefundStatus = (typeof ALIPAY_REFUND_STATUSES)[number];

export const REFUND_STATUS_MAP = {
  REFUND_SUCCESS: RefundState.SUCCESS,
} as const satisfies Record<AlipayRefundStatus, RefundState>;

/** rawStatus recorded when the refund query returned no refund data. */
export const NO_REFUND_DATA = "NO_REFUND_DATA";
/** rawStatus recorded when refund data came without refund_status: not refunded (yet) on the current page. */
export const NO_REFUND_STATUS = "NO_REFUND_STATUS";
/** rawStatus recorded when `legacyRefundQuery` read refund data without refund_status as a success. */
export const REFUND_AMOUNT_ONLY = "REFUND_AMOUNT_ONLY";

export interface RefundQueryReading {
  /**
   * Read refund data without refund_status as a success, as the older page said (for older
   * products that never send refund_status). Default false: the current page's rule.
   */
  readonly legacy?: boolean;
}

export function mapRefundQuery(
  answer: {
    readonly refund_status?: string | undefined;
    /** Fen as parsed from the answer (or the wire's yuan text): only its presence is read here. */
    readonly refund_amount?: number | string | undefined;
  },
  reading: RefundQueryReading = {},
): { state: RefundState; rawStatus: string } {
  const status = answer.refund_status;
  if (status !== undefined && status !== "") {
    if (!(ALIPAY_REFUND_STATUSES as readonly string[]).includes(status)) {
      throw new UnknownStatusError("alipay refund_status", status, { provider: ALIPAY_PROVIDER });
    }
    return { state: REFUND_STATUS_MAP[status as AlipayRefundStatus], rawStatus: status };
  }
  if (answer.refund_amount !== undefined && answer.refund_amount !== "") {
    // Current page: no refund_status means not refunded (yet), whatever else the answer carries.
    return reading.legacy
      ? { state: RefundState.SUCCESS, rawStatus: REFUND_AMOUNT_ONLY }
      : { state: RefundState.NOT_SUBMITTED, rawStatus: NO_REFUND_STATUS };
  }
  return { state: RefundState.NOT_SUBMITTED, rawStatus: NO_REFUND_DATA };
}
