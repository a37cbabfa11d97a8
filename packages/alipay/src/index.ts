// Public API: the provider, its configuration, the ISV session, error table and notification
// acknowledgement. The status maps and method tables (the pages' own values) are on "@paybridge/alipay/wire".
export type {
  AlipayBillRequest,
  DownloadedAlipayBill,
} from "./bills.js";
export { AlipayGatewayClient } from "./client.js";
export {
  type AlipayConfig,
  type AlipayConfigInput,
  alipayConfigSchema,
  alipayKeyModeSchema,
} from "./config.js";
export {
  ALIPAY_ERROR_TABLE,
  ALIPAY_PROVIDER,
  alipayAnswerError,
  alipayTransportError,
} from "./errors.js";
export {
  type AlipaySubMerchant,
  type AlipaySubMerchantInput,
  alipaySubMerchantSchema,
} from "./isv-config.js";
export {
  type AlipayIsvBinding,
  AlipayIsvSession,
  type AlipaySubMerchantFactory,
} from "./isv-session.js";
export { alipayAcknowledge } from "./notification.js";
export {
  AlipayProvider,
  type CancelPaymentResult,
} from "./provider.js";
