// @paybridge/sandbox/simulator-kit: the primitives the simulators are built from, for tests and
// tools that make keys or messages themselves: RSA keys and self-signed certificates, APIv3's
// AEAD_AES_256_GCM, answer rewriting, notification delivery modes, Beijing-time and yuan formats.
export { type AeadResource, aeadDecrypt, aeadEncrypt, randomApiV3Key } from "./shared/aead.js";
export { AnswerRewriteQueue, rewriteAnswer } from "./shared/answer-rewrite.js";
export { DEFAULT_DELIVERY_MODE, nextDeliveryMode, pickDeliveryMode } from "./shared/delivery-mode.js";
export { generateRsaKeyPair, keyFingerprint, randomSerial, selfSignedCertificate } from "./shared/rsa.js";
export {
  formatBeijingCompact,
  formatBeijingDashed,
  formatBeijingDate,
  formatBeijingRfc3339,
  parseBeijingCompact,
  parseBeijingDashed,
} from "./shared/time-format.js";
export { formatYuan, parseYuan } from "./shared/yuan.js";
