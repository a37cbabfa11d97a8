export { configSchema, type MemoryProviderConfig } from "./config.js";
export { MEMORY_PROVIDER_ID } from "./errors.js";
export { MemoryNetwork, MemoryNetworkError } from "./network.js";
export { MemoryProvider } from "./provider.js";
export type { MemoryNotification } from "./wire-types.js";
