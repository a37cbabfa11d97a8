// Public API of this package: a named list, so a name is public on purpose (docs/api/surface.json).
// The root holds what a test suite running the simulators needs: the start functions, their options
// and handles (and the records those hand back), the CLI, fault and answer injection, clocks and the
// key-file names. The wire level (signing, answer shapes, AEAD, sign contents, bill writers, error
// tables, the engines' inner types) is on @paybridge/sandbox/wechat, /alipay, /cloudpay and
// /simulator-kit.
export type { AlipayCertificates } from "./alipay/certificates.js";
export type { AlipayPayOptions } from "./alipay/discounts.js";
export { ALIPAY_FAULT_KINDS, type AlipayFault, type AlipayFaultKind } from "./alipay/faults.js";
export {
  ALIPAY_AUTH_CODE,
  ALIPAY_BUYER_REFUSALS,
  type AlipayBuyerPlan,
  type AlipayBuyerRefusal,
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
export type { CapturedNotification } from "./alipay/notifier.js";
export {
  type AlipaySandbox,
  type AlipaySandboxMerchantConfig,
  type AlipaySandboxOptions,
  startAlipaySandbox,
} from "./alipay/sandbox.js";
export type { GatewayCall } from "./alipay/server.js";
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
export type { AnswerRewrite } from "./shared/answer-rewrite.js";
export { ManualClock, OffsetClock, type SandboxClock } from "./shared/clock.js";
export type { DeliveryMode } from "./shared/delivery-mode.js";
export type { RsaKeyPair } from "./shared/rsa.js";
export { WechatMerchantEngine } from "./wechat/engine/engine.js";
export {
  WECHAT_FAULT_KINDS,
  WECHAT_OPERATIONS,
  type WechatFault,
  type WechatFaultKind,
  type WechatOperation,
} from "./wechat/engine/faults.js";
export { WECHAT_AUTH_CODE } from "./wechat/engine/in-person.js";
export type { PayOptions, WechatEngineOptions } from "./wechat/engine/options.js";
export type { WechatBuyerPlan } from "./wechat/engine/types.js";
export type { WechatSandboxControl } from "./wechat/v3/control.js";
export {
  type WechatKeyMode,
  type WechatPlatformKeys,
  type WechatSandboxMerchant,
  type WechatSandboxMerchantConfig,
  type WechatSandboxMerchantOptions,
  wechatMerchantConfig,
} from "./wechat/v3/credentials.js";
export type { DropFilter, NotifierOptions, SentNotification } from "./wechat/v3/notifier.js";
export type { WechatSandboxSubMerchant } from "./wechat/v3/partner/book.js";
export {
  startWechatSandbox,
  type WechatSandbox,
  type WechatSandboxOptions,
  type WechatSandboxServiceProviderOptions,
} from "./wechat/v3/server.js";
export type { WechatSwitchOptions } from "./wechat/v3/switch-schedule.js";
