// Public API of this package: a named list, so a name is public on purpose (docs/api/surface.json).
export {
  type AlipayCertificates,
  certSn,
  createAlipayCertificates,
  rootCertSn,
} from "./alipay/certificates.js";
export { formatBeijing, parseBeijing } from "./alipay/clock.js";
export { PUBLIC_CODES, SUB_CODES, type SubCode } from "./alipay/errors.js";
export { ALIPAY_FAULT_KINDS, type AlipayFault, type AlipayFaultKind } from "./alipay/faults.js";
export {
  ALIPAY_AUTH_CODE,
  ALIPAY_BUYER_REFUSALS,
  type AlipayBuyerPlan,
  type AlipayBuyerRefusal,
  type AlipayInPersonRecord,
} from "./alipay/in-person.js";
export {
  type AlipayIsvAuthorization,
  type AlipayIsvSandbox,
  type AlipayIsvSandboxOptions,
  startAlipayIsvSandbox,
} from "./alipay/isv.js";
export {
  type AlipayRotateOptions,
  type AlipayRotation,
  ROGUE_CERTIFICATE_KINDS,
  type RogueCertificateKind,
} from "./alipay/key-ring.js";
export type { SandboxRefund, SandboxTrade, SandboxTradeStatus } from "./alipay/ledger.js";
export {
  type CapturedNotification,
  NOTIFY_RETRY_DELAYS_MS,
  type NotificationKind,
} from "./alipay/notifier.js";
export {
  type AlipaySandbox,
  type AlipaySandboxMerchantConfig,
  type AlipaySandboxOptions,
  startAlipaySandbox,
} from "./alipay/sandbox.js";
export type { GatewayCall } from "./alipay/server.js";
export {
  notifySignContent,
  requestSignContent,
  rsa2Sign,
  rsa2Verify,
  signedAnswer,
} from "./alipay/signing.js";
export { ALIPAY_KEY_FILES } from "./cli/alipay/key-files.js";
export {
  ALIPAY_MODES,
  type AlipayKeyMode,
  type CliOptions,
  parseCliArgs,
  SIMULATOR_IDS,
  type SimulatorId,
} from "./cli/args.js";
export { CliStartError, CliUsageError } from "./cli/errors.js";
export { type CliIo, processIo } from "./cli/io.js";
export { EXIT_OK, EXIT_START_FAILED, EXIT_USAGE, runSandboxCli } from "./cli/run.js";
export type { ControlRoute, SimulatorModule, StartedSimulator } from "./cli/simulator.js";
export { WECHAT_KEY_FILES } from "./cli/wechat/key-files.js";
export type { CloudPayCallbackEvent } from "./cloudpay/methods/callback.js";
export {
  CLOUDPAY_SIM_METHODS,
  type CloudPayInjected,
  type CloudPaySimMethod,
  CloudPaySimulator,
  type CloudPaySimulatorCallback,
  type CloudPaySimulatorOptions,
} from "./cloudpay/simulator.js";
export { type CloudPayAnswer, V2_REFUND_STATUS } from "./cloudpay/wire.js";
export { type AeadResource, aeadDecrypt, aeadEncrypt, randomApiV3Key } from "./shared/aead.js";
export { type AnswerRewrite, AnswerRewriteQueue, rewriteAnswer } from "./shared/answer-rewrite.js";
export { ManualClock, OffsetClock, type SandboxClock } from "./shared/clock.js";
export {
  DEFAULT_DELIVERY_MODE,
  type DeliveryMode,
  nextDeliveryMode,
  pickDeliveryMode,
} from "./shared/delivery-mode.js";
export {
  generateRsaKeyPair,
  keyFingerprint,
  type RsaKeyPair,
  randomSerial,
  selfSignedCertificate,
} from "./shared/rsa.js";
export {
  formatBeijingCompact,
  formatBeijingDashed,
  formatBeijingDate,
  formatBeijingRfc3339,
  parseBeijingCompact,
  parseBeijingDashed,
} from "./shared/time-format.js";
export { formatYuan, parseYuan } from "./shared/yuan.js";
export { WechatMerchantEngine } from "./wechat/engine/engine.js";
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
export {
  FaultQueue,
  raiseFaultBefore,
  WECHAT_FAULT_KINDS,
  WECHAT_OPERATIONS,
  type WechatFault,
  type WechatFaultKind,
  type WechatOperation,
} from "./wechat/engine/faults.js";
export { WechatIdFactory } from "./wechat/engine/ids.js";
export {
  AUTO_REVOKE_MS,
  type CodePayInput,
  InPersonDesk,
  REVERSE_WINDOW_MS,
  WECHAT_AUTH_CODE,
} from "./wechat/engine/in-person.js";
export type { PayOptions, RefundOutcome, WechatEngineOptions } from "./wechat/engine/options.js";
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
  WechatBuyerPlan,
  WechatOrderChannel,
  WechatRefundStatus,
  WechatTradeState,
  WechatTradeType,
} from "./wechat/engine/types.js";
export { createControl, handleControlRequest, type WechatSandboxControl } from "./wechat/v3/control.js";
export {
  createMerchant,
  createPlatformKeys,
  merchantCredentials,
  type WechatKeyMode,
  type WechatMerchantCredentials,
  type WechatPlatformKeys,
  type WechatSandboxMerchant,
  type WechatSandboxMerchantConfig,
  type WechatSandboxMerchantOptions,
  wechatMerchantConfig,
} from "./wechat/v3/credentials.js";
export { type PlatformCertificate, type SignedWith, WechatKeyRing } from "./wechat/v3/key-ring.js";
export {
  type DropFilter,
  type NotificationDelivery,
  type NotificationResources,
  type NotifierOptions,
  type SentNotification,
  WECHAT_NOTIFY_SCHEDULE_MS,
  WechatNotifier,
} from "./wechat/v3/notifier.js";
export type { WechatSandboxSubMerchant } from "./wechat/v3/partner/book.js";
export { renderRefund, renderRefundNotice, renderTransaction } from "./wechat/v3/render.js";
export { decryptUpstream, encryptDownstream } from "./wechat/v3/sensitive-fields.js";
export {
  startWechatSandbox,
  type WechatSandbox,
  type WechatSandboxOptions,
  type WechatSandboxServiceProviderOptions,
} from "./wechat/v3/server.js";
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
  type WechatSwitchOptions,
} from "./wechat/v3/switch-schedule.js";
