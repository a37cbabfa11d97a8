import type { Agent } from "node:http";
import { HttpsProxyAgent } from "https-proxy-agent";
import type { WechatPayV3Config } from "./config.js";

/**
 * The Agent the APIv3 transport sends on: the merchant's own, or a CONNECT tunnel through the
 * configured proxy. CONNECT is used for the plain-http sandbox too, so the request line keeps the
 * raw path WeChat's signature covers (a forward proxy's absolute-URI form would be re-encoded by
 * URL parsing). Undefined: Node's global agent, no proxy.
 */
export function transportAgent(config: Pick<WechatPayV3Config, "proxy" | "agent">): Agent | undefined {
  if (config.agent) return config.agent;
  if (config.proxy) return new HttpsProxyAgent(config.proxy);
  return undefined;
}
