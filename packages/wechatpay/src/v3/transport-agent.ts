import type { Agent } from "node:http";
import type { WechatPayV3Config } from "./config.js";

/**
 * What the APIv3 transport sends on: the merchant's own Agent, Node's global agent (undefined), or
 * a proxy tunnel opened on the first request. The tunnel is a function because https-proxy-agent
 * and its dependencies (agent-base, debug) load only when a proxy is configured: most merchants
 * have none, and loading them cost every import about 14 ms (docs/performance.md "Cold import").
 */
export type TransportAgent = Agent | (() => Promise<Agent>) | undefined;

/**
 * The Agent the APIv3 transport sends on: the merchant's own, or a CONNECT tunnel through the
 * configured proxy. CONNECT is used for the plain-http sandbox too, so the request line keeps the
 * raw path WeChat's signature covers (a forward proxy's absolute-URI form would be re-encoded by
 * URL parsing). Undefined: Node's global agent, no proxy.
 */
export function transportAgent(config: Pick<WechatPayV3Config, "proxy" | "agent">): TransportAgent {
  if (config.agent) return config.agent;
  const proxy = config.proxy;
  if (!proxy) return undefined;
  // One tunnel Agent per transport, as before: every call shares its sockets. The schema checked
  // the URL (proxyUrlSchema), so building the Agent later cannot fail where building it now would not.
  let tunnel: Promise<Agent> | undefined;
  return () => {
    tunnel ??= import("https-proxy-agent").then(({ HttpsProxyAgent }) => new HttpsProxyAgent(proxy));
    return tunnel;
  };
}
