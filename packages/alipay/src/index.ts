export type { AlipayBillRequest, DownloadedAlipayBill } from "./bills.js";
export { AlipayGatewayClient } from "./client.js";
export {
  type AlipayConfig,
  type AlipayConfigInput,
  alipayConfigSchema,
  alipayKeyModeSchema,
} from "./config.js";
export { ALIPAY_ERROR_TABLE, ALIPAY_PROVIDER, alipayAnswerError, alipayTransportError } from "./errors.js";
export {
  type AlipaySubMerchant,
  type AlipaySubMerchantInput,
  alipaySubMerchantSchema,
} from "./isv-config.js";
export { type AlipayIsvBinding, AlipayIsvSession, type AlipaySubMerchantFactory } from "./isv-session.js";
export { alipayAcknowledge } from "./notification.js";
export { AlipayProvider, type CancelPaymentResult } from "./provider.js";
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
export { ALIPAY_METHODS, PAY_APIS } from "./transformers.js";
