export type { DownloadedBill, TradeBillRequest } from "./bills.js";
export * from "./config.js";
export * from "./key-store.js";
export * from "./notify-url.js";
export * from "./provider.js";
export * from "./sensitive-fields.js";
export * from "./transformers.js";
export type * from "./wire-types.js";
