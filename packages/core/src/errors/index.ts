export * from "./errors.js";
export * from "./factory.js";
export * from "./unexpected-answer.js";
