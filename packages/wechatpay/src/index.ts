// Public API: the providers, their configuration, error tables, key store and sensitive-field
// encryption, and the CloudPay callback helpers. Wire types, answer schemas and transformers (the
// pages' own shapes) are on "@paybridge/wechatpay/wire".
export {
  CloudPayClient,
  type CloudPayClientOptions,
} from "./cloudpay/client.js";
export {
  type WechatCloudPayConfig,
  type WechatCloudPayParsedConfig,
  wechatCloudPayConfigSchema,
} from "./cloudpay/config.js";
export {
  CLOUDPAY_DOCUMENTED_ERROR_CODES,
  CLOUDPAY_ERROR_TABLE,
  CLOUDPAY_PROVIDER,
  type CloudPayErrorCode,
} from "./cloudpay/errors.js";
export {
  CLOUDPAY_EVENT_HEADER,
  type CloudPayCallback,
  cloudPayCallbackReply,
  cloudPayEventToRawNotification,
  readCallbackEvent,
  rejectCallback,
} from "./cloudpay/notification.js";
export { WechatCloudPayProvider } from "./cloudpay/provider.js";
export { WECHAT_REFUND_RULES } from "./shared/refund-rules.js";
export type {
  DownloadedBill,
  FundFlowBillRequest,
  TradeBillRequest,
} from "./v3/bills.js";
export {
  WECHATPAY_ORIGINS,
  type WechatKeyModeConfig,
  type WechatPayV3Config,
  type WechatPayV3ConfigInput,
  wechatPayV3ConfigSchema,
} from "./v3/config.js";
export {
  WECHAT_ERROR_TABLE,
  WECHAT_V3_PROVIDER,
  type WechatErrorCode,
} from "./v3/errors.js";
export {
  type CertificatePolicy,
  WechatPayKeyStore,
} from "./v3/key-store.js";
export type { DecryptedBillPart, SubMerchantFundFlowBillRequest } from "./v3/partner-bills.js";
export {
  type WechatPaySubMerchant,
  type WechatPaySubMerchantInput,
  wechatPaySubMerchantSchema,
} from "./v3/partner-config.js";
export {
  WechatPayPartnerProvider,
  WechatPayPartnerSession,
} from "./v3/partner-provider.js";
export { WechatPayProvider } from "./v3/provider.js";
export {
  decryptSensitiveField,
  encryptSensitiveField,
  OAEP_MAX_BYTES,
} from "./v3/sensitive-fields.js";
