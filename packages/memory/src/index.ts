export { MemoryProvider, type MemoryProviderConfig } from "./memory-provider.js";
export { MemoryNetwork, MemoryNetworkError, type MemoryNotification } from "./network.js";
export { REFUND_STATUS_MAP, TRADE_STATUS_MAP } from "./status-map.js";
