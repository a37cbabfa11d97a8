export * from "./container.js";
export * from "./gateway.js";
export * from "./routing.js";
export * from "./tokens.js";
