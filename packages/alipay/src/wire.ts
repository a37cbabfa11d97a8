/**
 * `@paybridge/alipay/wire`: Alipay's own values as its pages define them: trade and refund
 * statuses and their mapping onto core's states, the method names of each payment kind. For tests
 * and tools that speak the wire; an application needs only the root entry.
 */
export {
  ALIPAY_REFUND_STATUSES,
  ALIPAY_TRADE_STATUSES,
  type AlipayTradeStatus,
  mapRefundQuery,
  mapTradeStatus,
  NO_REFUND_DATA,
  NO_REFUND_STATUS,
  REFUND_AMOUNT_ONLY,
  REFUND_STATUS_MAP,
  type RefundQueryReading,
  TRADE_STATUS_MAP,
  type TradeEvidence,
} from "./status-map.js";
export {
  ALIPAY_METHODS,
  PAY_APIS,
} from "./transformers.js";
