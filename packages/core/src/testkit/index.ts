export * from "./conformance.js";
export type * from "./harness.js";
