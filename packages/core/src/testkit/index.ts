export * from "./conformance.js";
export type * from "./harness.js";
export * from "./in-person-conformance.js";
export * from "./ledger-contract.js";
export * from "./outbox-contract.js";
export * from "./payment-ledger-contract.js";
export * from "./sub-merchant-conformance.js";
