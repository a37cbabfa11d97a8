export * from "./limiter-script.js";
export * from "./redis-rate-limiter.js";
