import { runOutboxContract } from "../testkit/outbox-contract.js";
import { MemoryOutbox } from "./memory-outbox.js";

runOutboxContract({
  name: "MemoryOutbox",
  setup: async () => ({ outbox: new MemoryOutbox(), close: async () => {} }),
});
