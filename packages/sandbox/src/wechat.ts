// @paybridge/sandbox/wechat: the WeChat Pay simulator's wire level and engine internals, for tests
// that sign or check v3 messages themselves or drive the engine below the HTTP server. The
// simulator itself (startWechatSandbox and its handle) is on the package root.
export {
  WECHAT_ENGINE_ERRORS,
  WechatEngineError,
  type WechatEngineErrorCode,
  type WechatRefundRule,
  WechatTransportFault,
} from "./wechat/engine/errors.js";
export {
  EngineEventEmitter,
  type RefundChangedEvent,
  type TradeChangedEvent,
  type WechatEngineEvent,
  type WechatEngineListener,
} from "./wechat/engine/events.js";
export { FaultQueue, raiseFaultBefore } from "./wechat/engine/faults.js";
export { WechatIdFactory } from "./wechat/engine/ids.js";
export {
  AUTO_REVOKE_MS,
  type CodePayInput,
  InPersonDesk,
  REVERSE_WINDOW_MS,
} from "./wechat/engine/in-person.js";
export type { RefundOutcome } from "./wechat/engine/options.js";
export {
  type SimulatorRateLimits,
  SlidingWindowCounter,
  WECHAT_REFUND_RATE_LIMITS,
} from "./wechat/engine/rate-limiter.js";
export type {
  CreateOrderInput,
  CreateRefundInput,
  EngineMerchant,
  EngineOrder,
  EnginePromotion,
  EngineRefund,
  EngineRefundPromotion,
  InPersonRecord,
  PromotionInput,
  RefundFromInput,
  RefundGoodsInput,
  RefundLookup,
  RefundPage,
  WechatOrderChannel,
  WechatRefundStatus,
  WechatTradeState,
  WechatTradeType,
} from "./wechat/engine/types.js";
export { createControl, handleControlRequest } from "./wechat/v3/control.js";
export {
  createMerchant,
  createPlatformKeys,
  merchantCredentials,
  type WechatMerchantCredentials,
} from "./wechat/v3/credentials.js";
export { type PlatformCertificate, type SignedWith, WechatKeyRing } from "./wechat/v3/key-ring.js";
export {
  type NotificationDelivery,
  type NotificationResources,
  WECHAT_NOTIFY_SCHEDULE_MS,
  WechatNotifier,
} from "./wechat/v3/notifier.js";
export { renderRefund, renderRefundNotice, renderTransaction } from "./wechat/v3/render.js";
export { decryptUpstream, encryptDownstream } from "./wechat/v3/sensitive-fields.js";
export {
  AUTH_SCHEME,
  type ParsedAuthorization,
  parseAuthorization,
  type ResponseSigner,
  requestMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
  signedHeaders,
  signedHeadersWith,
} from "./wechat/v3/signing.js";
export {
  checkSwitchSchedule,
  ratioAt,
  type SwitchStep,
  seededRandom,
  WECHAT_SWITCH_RAMP,
} from "./wechat/v3/switch-schedule.js";
