// @paybridge/sandbox/alipay: the Alipay gateway simulator's wire level, for tests that sign or check
// gateway messages themselves: RSA2 signing and sign contents, certificate serials, the gateway's
// time format, error-code tables and the notifier's retry schedule. The simulator itself
// (startAlipaySandbox, startAlipayIsvSandbox and their handles) is on the package root.
export { certSn, createAlipayCertificates, rootCertSn } from "./alipay/certificates.js";
export { formatBeijing, parseBeijing } from "./alipay/clock.js";
export { PUBLIC_CODES, SUB_CODES, type SubCode } from "./alipay/errors.js";
export type { AlipayInPersonRecord } from "./alipay/in-person.js";
export { NOTIFY_RETRY_DELAYS_MS, type NotificationKind } from "./alipay/notifier.js";
export {
  notifySignContent,
  requestSignContent,
  rsa2Sign,
  rsa2Verify,
  signedAnswer,
} from "./alipay/signing.js";
