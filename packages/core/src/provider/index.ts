export * from "./capabilities.js";
export * from "./clock.js";
export * from "./contract.js";
export * from "./refund-rules.js";
export * from "./service-provider.js";
export * from "./wait.js";
