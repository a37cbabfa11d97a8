// Public API of this package; each module adds its export line here.
export * from "./alipay/index.js";
// The Alipay simulator and the shared helpers both export these names (merge of the alipay and
// wechat branches): the package root keeps Alipay's, which its tests import from here, and offers
// the shared ones under Shared* names. Explicit exports take precedence over the `export *` lines.
export { generateRsaKeyPair, type RsaKeyPair, SandboxClock } from "./alipay/index.js";
export * from "./shared/index.js";
export {
  generateRsaKeyPair as generateSharedRsaKeyPair,
  type RsaKeyPair as SharedRsaKeyPair,
  type SandboxClock as SharedSandboxClock,
} from "./shared/index.js";
export * from "./wechat/engine/index.js";
export * from "./wechat/v3/index.js";
