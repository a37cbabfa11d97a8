import {
  createPayBridgeContainer,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
} from "@paybridge/core";
import { runSubMerchantConformance } from "@paybridge/core/testkit";
import { ManualClock, startWechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "../src/index.js";
import { configFor } from "./sandbox-setup.js";

const SP = "1900400001";
const SUB = { a: "1900400011", b: "1900400012" } as const;

runSubMerchantConformance({
  name: "wechatpay v3 partner (服务商)",
  setup: async () => {
    const sandbox = await startWechatSandbox({
      clock: new ManualClock(Date.now()),
      allowLoopbackHttpNotify: true,
      notify: { deliver: false },
      serviceProviders: [
        { mchid: SP, keyMode: "public_key", subMerchants: [{ mchid: SUB.a }, { mchid: SUB.b }] },
      ],
    });
    const container = createPayBridgeContainer();
    registerProvider(container, WechatPayProvider);
    registerServiceProvider(container, {
      id: "sp",
      provider: WechatPayProvider.id,
      config: configFor(sandbox.merchant(SP), sandbox.origin),
      subMerchants: [
        { id: "sub-a", config: { subMchid: SUB.a } },
        { id: "sub-b", config: { subMchid: SUB.b } },
      ],
    });
    const gateway = resolveGateway(container);
    return {
      a: gateway.forMerchant("sub-a"),
      b: gateway.forMerchant("sub-b"),
      paymentTemplate: {
        method: "native",
        description: "PayBridge partner conformance",
        notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
      },
      pay: async (which, outTradeNo) => {
        sandbox.control.pay(outTradeNo, { mchid: SUB[which] });
      },
      tradeNotification: async (which, outTradeNo) => {
        const n = sandbox.notifications.find(
          (x) =>
            x.outTradeNo === outTradeNo &&
            x.kind === "trade" &&
            sandbox.engine.listOrders(SUB[which]).some((o) => o.outTradeNo === outTradeNo),
        );
        if (!n) throw new Error(`no payment notification for ${outTradeNo}`);
        return { headers: { ...n.headers }, body: n.body };
      },
      close: () => sandbox.close(),
    };
  },
});
