// The demo's pieces, for the end-to-end tests in @paybridge/e2e (the demo itself runs main.ts).
export { buildApp } from "./app.js";
export { CHANNELS_BY_CLIENT } from "./buyer-channels.js";
export { CHANNELS, type Channel } from "./channels.js";
export { CONTENT_SECURITY_POLICY } from "./http/security.js";
export { OrderBook, type ShopOrder } from "./order-book.js";
export { formatReport } from "./report.js";
export { runScenario } from "./scenario.js";
export { type DemoLedger, MERCHANTS, startWorld, type World } from "./world.js";
