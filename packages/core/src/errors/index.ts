export * from "./errors.js";
export * from "./factory.js";
