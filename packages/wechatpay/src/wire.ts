/**
 * `@paybridge/wechatpay/wire`: the wire shapes of WeChat Pay APIv3 and CloudPay as their pages
 * define them (request bodies, answer and notification schemas), the transformers between them and
 * core's unified types, and the status maps. For tests, simulators and tools that speak the wire;
 * an application needs only the root entry.
 */
export {
  type BillTable,
  parseBillTable,
  readBillAnswer,
} from "./cloudpay/bill.js";
export {
  type CloudPayOrderKey,
  type CloudPayRefundQueryInput,
  newNonceStr,
  REFUND_QUERY_KEY_PRIORITY,
  REFUNDS_PER_PAGE,
} from "./cloudpay/client.js";
export { readEnvelope } from "./cloudpay/envelope.js";
export { cloudPayError } from "./cloudpay/errors.js";
export { callbackEventSchema } from "./cloudpay/notification.js";
export {
  CLOUDPAY_REFUND_ACCOUNTS,
  CLOUDPAY_REFUND_CHANNELS,
  CLOUDPAY_REFUND_STATUS,
  CLOUDPAY_TRADE_STATE,
  type CloudPayRefundChannel,
  type CloudPayRefundStatus,
  type CloudPayTradeState,
  mapCloudPayRefundStatus,
  mapCloudPayTradeState,
} from "./cloudpay/status-map.js";
export {
  assertSameOrder,
  type CloudPayOrder,
  type CloudPayOrderTarget,
  type CloudPayPrepay,
  type CloudPayRefundAccepted,
  type CloudPayRefundInput,
  type CloudPayRefundPage,
  type CloudPayRefundRecord,
  fromCloudPayCallback,
  fromCloudPayOrder,
  fromCloudPayRefund,
  fromCloudPayRefundAccepted,
  parseOrderAnswer,
  parseRefundAnswer,
  parseRefundQueryAnswer,
  parseUnifiedOrderAnswer,
  REFUND_COUPON_FIELDS,
  REFUND_ITEM_FIELDS,
  toCloudPayOrderParams,
  toCloudPayRefundInput,
} from "./cloudpay/transformers.js";
export {
  type BillType,
  CLOUD_PAY_METHODS,
  type CloseOrderParams,
  type CloseOrderResult,
  type CloudPayApi,
  type CloudPayEnvelope,
  type CloudPayPayment,
  type CloudPayRefundAnswer,
  type DownloadBillParams,
  type DownloadBillResult,
  type QueryOrderParams,
  type QueryOrderResult,
  type QueryRefundParams,
  type QueryRefundResult,
  type RefundAccount,
  type RefundParams,
  type UnifiedOrderParams,
  type UnifiedOrderResult,
} from "./cloudpay/wire-types.js";
export {
  lookupWechatStatus,
  WECHAT_REFUND_STATUS_MAP,
  WECHAT_TRADE_STATE_MAP,
  type WechatRefundStatusValue,
  type WechatTradeStateValue,
} from "./shared/status-map.js";
export { wechatKeyModeSchema } from "./v3/config.js";
export { wechatError } from "./v3/errors.js";
export {
  type EncryptionKey,
  type HeaderBag,
  header,
} from "./v3/key-store.js";
export { wechatNotifyUrlSchema } from "./v3/notify-url.js";
export { gcmDecryptStream } from "./v3/partner-bills.js";
export {
  assertPartnerRefundIdentity,
  assertPartnerTransactionIdentity,
  type V3PartnerIdentity,
} from "./v3/partner-identity.js";
export {
  type PartnerIds,
  toV3PartnerOrderBody,
  toV3PartnerRefundBody,
} from "./v3/partner-transformers.js";
export {
  type V3PartnerCloseBody,
  type V3PartnerOrderBody,
  type V3PartnerRefundBody,
  type V3PartnerRefundNotice,
  type V3PartnerTransaction,
  type V3PartnerTransactionNotice,
  v3PartnerRefundNoticeSchema,
  v3PartnerTransactionNoticeSchema,
  v3PartnerTransactionSchema,
} from "./v3/partner-wire-types.js";
export {
  mapV3RefundStatus,
  mapV3TradeState,
  V3_REFUND_STATUS,
  V3_TRADE_STATE,
  type V3RefundStatus,
  type V3TradeState,
} from "./v3/status-map.js";
export {
  assertRefundEcho,
  fromV3Prepay,
  fromV3Refund,
  fromV3RefundAnswer,
  fromV3RefundQueryAnswer,
  fromV3Transaction,
  fromV3TransactionNotice,
  type PrepayContext,
  parseV3Answer,
  readV3Json,
  toV3CodePayBody,
  toV3OrderBody,
  toV3RefundBody,
} from "./v3/transformers.js";
export {
  type V3Amount,
  type V3Certificates,
  type V3CodePayBody,
  type V3ErrorBody,
  type V3Notification,
  type V3OrderBody,
  type V3Refund,
  type V3RefundBody,
  type V3RefundFields,
  type V3RefundNotice,
  type V3RefundNoticeFields,
  type V3ReverseAnswer,
  type V3TradeFields,
  type V3Transaction,
  type V3TransactionNotice,
  v3BillApplicationSchema,
  v3CertificatesSchema,
  v3CodePayHeadSchema,
  v3CodeUrlSchema,
  v3ErrorBodySchema,
  v3Fen,
  v3H5UrlSchema,
  v3NoticeAmount,
  v3NotificationSchema,
  v3PrepayIdSchema,
  v3RefundNoticeFields,
  v3RefundNoticeSchema,
  v3RefundSchema,
  v3ReverseAnswerSchema,
  v3TradeFields,
  v3TransactionNoticeSchema,
  v3TransactionSchema,
  v3TransactionSchemas,
} from "./v3/wire-types.js";
