import {
  createPayBridgeContainer,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
} from "@paybridge/core";
import { runSubMerchantConformance } from "@paybridge/core/testkit";
import { startAlipayIsvSandbox } from "@paybridge/sandbox";
import { AlipayProvider } from "../src/index.js";

const AUTH = {
  a: {
    appAuthToken: "202512BBconformanceaaaaaaaaaaaa01",
    authAppId: "2021000149620001",
    sellerId: "2088200000000001",
  },
  b: {
    appAuthToken: "202512BBconformancebbbbbbbbbbbb02",
    authAppId: "2021000149620002",
    sellerId: "2088200000000002",
  },
} as const;

runSubMerchantConformance({
  name: "alipay ISV (app_auth_token)",
  setup: async () => {
    const isv = await startAlipayIsvSandbox({ authorizations: [AUTH.a, AUTH.b] });
    const container = createPayBridgeContainer();
    registerProvider(container, AlipayProvider);
    registerServiceProvider(container, {
      id: "isv",
      provider: AlipayProvider.id,
      config: { ...isv.isvConfig(), timeoutMs: 5000 },
      subMerchants: [
        { id: "sub-a", config: AUTH.a },
        { id: "sub-b", config: AUTH.b },
      ],
    });
    const gateway = resolveGateway(container);
    const book = (which: "a" | "b") => isv.merchant(AUTH[which].appAuthToken);
    return {
      a: gateway.forMerchant("sub-a"),
      b: gateway.forMerchant("sub-b"),
      paymentTemplate: {
        method: "native",
        description: "PayBridge ISV conformance",
        notifyUrl: "http://127.0.0.1:9/alipay/notify",
      },
      // A precreate trade exists at Alipay once its code is scanned.
      open: async (which, outTradeNo) => {
        book(which).scan(outTradeNo);
      },
      pay: async (which, outTradeNo) => {
        await book(which).pay(outTradeNo);
      },
      tradeNotification: async (which, outTradeNo) => {
        await book(which).settled();
        const n = book(which)
          .notifications()
          .find((x) => x.outTradeNo === outTradeNo && x.kind === "trade");
        if (!n) throw new Error(`no payment notification for ${outTradeNo}`);
        return { headers: { ...n.headers }, body: n.body };
      },
      close: () => isv.close(),
    };
  },
});
