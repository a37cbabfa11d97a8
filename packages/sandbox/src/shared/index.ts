export * from "./clock.js";
export * from "./time-format.js";
