export * from "./dispatcher.js";
export * from "./event.js";
export * from "./memory-outbox.js";
export * from "./outbox.js";
