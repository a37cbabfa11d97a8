export * from "./access.js";
export * from "./book.js";
export * from "./render.js";
