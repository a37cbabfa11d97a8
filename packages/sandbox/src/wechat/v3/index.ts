export * from "./control.js";
export * from "./credentials.js";
export * from "./key-ring.js";
export * from "./notifier.js";
export * from "./render.js";
export * from "./server.js";
export * from "./signing.js";
export * from "./switch-schedule.js";
