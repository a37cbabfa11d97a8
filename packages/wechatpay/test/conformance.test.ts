import { runProviderConformance } from "@paybridge/core/testkit";
import { startRig } from "./sandbox-setup.js";

for (const keyMode of ["platform_certificate", "public_key"] as const) {
  runProviderConformance({
    name: `wechatpay v3 (${keyMode})`,
    setup: async () => {
      const rig = await startRig(keyMode);
      return {
        provider: rig.provider,
        paymentTemplate: { method: "native", description: "PayBridge conformance", notifyUrl: rig.notifyUrl },
        pay: async (outTradeNo) => {
          rig.sandbox.control.pay(outTradeNo);
        },
        advanceClock: async (ms) => rig.sandbox.control.advance(ms),
        requestCount: async () => rig.sandbox.control.requestCount(),
        nextNotification: async (outTradeNo, kind) => {
          const n = await rig.sandbox.control.nextNotification(outTradeNo, kind);
          return { headers: { ...n.headers }, body: n.body };
        },
        close: () => rig.close(),
      };
    },
  });
}
