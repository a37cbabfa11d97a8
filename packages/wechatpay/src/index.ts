// Public API of this package; each module adds its export line here.
export * from "./cloudpay/index.js";
export * from "./shared/index.js";
export * from "./v3/index.js";
