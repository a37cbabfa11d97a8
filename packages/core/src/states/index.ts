export * from "./refund-state.js";
export * from "./trade-state.js";
export * from "./transitions.js";
