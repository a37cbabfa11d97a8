export * from "./engine.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./faults.js";
export * from "./ids.js";
export * from "./in-person.js";
export * from "./rate-limiter.js";
export type * from "./types.js";
