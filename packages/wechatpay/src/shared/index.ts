export * from "./errors.js";
export * from "./status-map.js";
