// Public API of this package; each module adds its export line here.

export * from "./alipay/index.js";
export * from "./cli/index.js";
export * from "./cloudpay/index.js";
export * from "./shared/index.js";
export * from "./wechat/engine/index.js";
export * from "./wechat/v3/index.js";
