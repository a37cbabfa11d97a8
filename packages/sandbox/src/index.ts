// Public API of this package; each module adds its export line here.

export * from "./alipay/index.js";
