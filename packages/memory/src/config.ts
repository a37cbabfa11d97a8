import { z } from "zod";
import { MemoryNetwork } from "./network.js";

/** What one merchant account of the memory provider needs; the gateway parses it when it is added. */
export const configSchema = z.strictObject({
  network: z.custom<MemoryNetwork>((v) => v instanceof MemoryNetwork, { error: "must be a MemoryNetwork" }),
  merchantNo: z.string().min(1, { error: "must not be empty" }),
  /** Signs notifications; at least 16 characters, as a real shared secret would be. */
  notifySecret: z.string().min(16, { error: "must be at least 16 characters" }),
});
export type MemoryProviderConfig = z.output<typeof configSchema>;
