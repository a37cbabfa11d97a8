export * from "./refund-rules.js";
export * from "./status-map.js";
