export * from "./clock.js";
export * from "./contract.js";
export * from "./refund-rules.js";
