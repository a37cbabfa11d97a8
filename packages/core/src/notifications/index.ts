export * from "./body-limit.js";
export * from "./express.js";
export * from "./fastify.js";
export * from "./form-body.js";
export * from "./inbox.js";
export * from "./intake.js";
export * from "./order-book.js";
