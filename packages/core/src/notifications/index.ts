export * from "./express.js";
export * from "./fastify.js";
export * from "./inbox.js";
export * from "./intake.js";
export * from "./order-book.js";
