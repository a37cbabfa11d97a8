export * from "./aead.js";
export * from "./answer-rewrite.js";
export * from "./clock.js";
export * from "./delivery-mode.js";
export * from "./rsa.js";
export * from "./time-format.js";
export * from "./yuan.js";
