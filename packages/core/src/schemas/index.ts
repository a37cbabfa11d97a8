export * from "./common.js";
export * from "./key-source.js";
export * from "./notification.js";
export * from "./parse.js";
export * from "./payment.js";
export * from "./refund.js";
