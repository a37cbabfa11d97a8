import { silentLogger } from "@paybridge/core";
import { runProviderConformance } from "@paybridge/core/testkit";
import { MemoryNetwork, MemoryProvider } from "../src/index.js";

runProviderConformance({
  name: "memory",
  setup: async () => {
    const network = new MemoryNetwork();
    const provider = new MemoryProvider(
      { network, merchantNo: "M1", notifySecret: "memory-notify-secret-0001" },
      { merchantId: "mem-main", logger: silentLogger, clock: () => network.now() },
    );
    return {
      provider,
      paymentTemplate: {
        description: "conformance",
        method: "native",
        notifyUrl: "https://shop.example.com/n",
      },
      pay: async (outTradeNo) => network.pay("M1", outTradeNo),
      advanceClock: async (ms) => network.advance(ms),
      requestCount: async () => network.requests,
      nextNotification: async (outTradeNo, kind) => {
        const found = network.notifications.find((n) => n.outTradeNo === outTradeNo && n.kind === kind);
        if (!found) throw new Error(`no ${kind} notification for ${outTradeNo}`);
        return { headers: found.headers, body: found.body };
      },
      close: async () => {},
    };
  },
});
