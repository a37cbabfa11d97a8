import { envelope } from "../wire.js";
import { type CloudPayMethodContext, nonce } from "./context.js";

/** The envelope every result_code answer starts with, with a fresh nonce_str. */
export function head(ctx: CloudPayMethodContext, subMchId: string): Record<string, unknown> {
  return envelope(ctx.identity, subMchId, nonce());
}
