// tsyringe needs the Reflect metadata API before any decorated class loads; core is every entry point's first import.
import "reflect-metadata";

export * from "./errors/index.js";
export * from "./events/index.js";
export * from "./in-person/index.js";
export * from "./injector/index.js";
export * from "./logger/index.js";
export * from "./money/index.js";
export * from "./notifications/index.js";
export * from "./payments/index.js";
export * from "./provider/index.js";
export * from "./refunds/index.js";
export * from "./schemas/index.js";
export * from "./states/index.js";
export * from "./time/index.js";
