// Public API of this package; each module adds its export line here.
export * from "./shared/index.js";
export * from "./v3/index.js";
