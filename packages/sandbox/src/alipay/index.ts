export { type AlipayCertificates, certSn, createAlipayCertificates, rootCertSn } from "./certificates.js";
export { formatBeijing, parseBeijing } from "./clock.js";
export { PUBLIC_CODES, SUB_CODES, type SubCode } from "./errors.js";
export { ALIPAY_FAULT_KINDS, type AlipayFault, type AlipayFaultKind } from "./faults.js";
export {
  ALIPAY_AUTH_CODE,
  ALIPAY_BUYER_REFUSALS,
  type AlipayBuyerPlan,
  type AlipayBuyerRefusal,
  type AlipayInPersonRecord,
} from "./in-person.js";
export {
  type AlipayIsvAuthorization,
  type AlipayIsvSandbox,
  type AlipayIsvSandboxOptions,
  startAlipayIsvSandbox,
} from "./isv.js";
export {
  type AlipayRotateOptions,
  type AlipayRotation,
  ROGUE_CERTIFICATE_KINDS,
  type RogueCertificateKind,
} from "./key-ring.js";
export type { SandboxRefund, SandboxTrade, SandboxTradeStatus } from "./ledger.js";
export { type CapturedNotification, NOTIFY_RETRY_DELAYS_MS, type NotificationKind } from "./notifier.js";
export {
  type AlipaySandbox,
  type AlipaySandboxMerchantConfig,
  type AlipaySandboxOptions,
  startAlipaySandbox,
} from "./sandbox.js";
export type { GatewayCall } from "./server.js";
export { notifySignContent, requestSignContent, rsa2Sign, rsa2Verify, signedAnswer } from "./signing.js";
