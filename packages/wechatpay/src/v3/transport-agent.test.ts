import { Agent } from "node:http";
import { HttpsProxyAgent } from "https-proxy-agent";
import { describe, expect, it } from "vitest";
import { transportAgent } from "./transport-agent.js";

describe("transportAgent", () => {
  it("is Node's global agent (undefined) without proxy or agent", () => {
    expect(transportAgent({})).toBeUndefined();
  });

  it("is the merchant's own Agent as given", () => {
    const agent = new Agent();
    expect(transportAgent({ agent })).toBe(agent);
    agent.destroy();
  });

  it("opens one CONNECT tunnel through the proxy on first use, shared by every later call", async () => {
    const lazy = transportAgent({ proxy: "http://user:secret@proxy.example:3128" });
    expect(typeof lazy).toBe("function");
    const open = lazy as () => Promise<Agent>;
    const first = await open();
    expect(first).toBeInstanceOf(HttpsProxyAgent);
    expect((first as HttpsProxyAgent<string>).proxy.href).toBe("http://user:secret@proxy.example:3128/");
    expect(await open()).toBe(first);
  });
});
