export { formatBeijingDashed } from "../shared/time-format.js";
export * from "./simulator.js";
export type { CloudPayAnswer } from "./wire.js";
export { V2_REFUND_STATUS } from "./wire.js";
