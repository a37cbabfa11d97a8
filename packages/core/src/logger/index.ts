export * from "./conceal.js";
export * from "./logger.js";
export * from "./redact.js";
