export * from "./memory-payment-ledger.js";
export * from "./payment-ledger.js";
export * from "./payment-record.js";
export * from "./recording-provider.js";
