export * from "./simulator.js";
export type { CloudPayAnswer } from "./wire.js";
export { formatBeijingDashed, V2_REFUND_STATUS } from "./wire.js";
