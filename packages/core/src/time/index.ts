export * from "./beijing-time.js";
