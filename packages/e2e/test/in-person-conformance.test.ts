// The in-person conformance suite (core testkit) for every provider whose capabilities list
// "barcode": WeChat Pay APIv3 付款码 (a direct merchant, and a 服务商's sub-merchant on the partner
// codepay) and Alipay 条码支付, each through its real SDK against the signed
// sandbox on a clock 20x faster than real time, with the simulator's own book as the oracle.
import { AlipayProvider } from "@paybridge/alipay";
import {
  createPayBridgeContainer,
  MemoryPaymentLedger,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { runInPersonConformance } from "@paybridge/core/testkit";
import { startAlipaySandbox, startWechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { speedClock } from "./support/speed-clock.js";
import { WECHAT_MERCHANT_ID, wechatConfig, wechatServiceProviderGateway } from "./support/wechat.js";

let codes = 0;
const tail = () => {
  codes += 1;
  return `${Date.now().toString().slice(-9)}${String(codes).padStart(5, "0")}`;
};
const template = {
  description: "门店-收银台",
  notifyUrl: "https://shop.example.com/pay/notify",
  store: { id: "SH-001", deviceId: "POS-7" },
};

runInPersonConformance({
  name: "WeChat Pay APIv3 付款码 (wechatpay-node-v3)",
  async setup() {
    const clock = speedClock(20);
    // WeChat's own 45 s auto-revoke is moved past the loop, so the reversal checked is the client's.
    const sandbox = await startWechatSandbox({
      clock,
      merchants: [{ keyMode: "public_key" }],
      rateLimits: false,
      autoRevokeMs: 10 * 60_000,
    });
    const container = createPayBridgeContainer({
      clock: () => clock.now(),
      payments: new MemoryPaymentLedger(),
    });
    registerProvider(container, WechatPayProvider);
    registerMerchant(container, {
      id: WECHAT_MERCHANT_ID,
      provider: WechatPayProvider.id,
      config: wechatConfig(sandbox.merchant(), sandbox.origin),
    });
    return {
      provider: resolveGateway(container).forMerchant(WECHAT_MERCHANT_ID),
      paymentTemplate: template,
      authCode: () => `1345${tail()}`,
      planBuyer(authCode, buyer) {
        sandbox.engine.planBuyer(
          authCode,
          buyer === "pays_after_password"
            ? { kind: "pays_after", afterMs: 25_000 }
            : buyer === "refused"
              ? { kind: "refused", code: "NOT_ENOUGH" }
              : { kind: buyer },
        );
      },
      holdsMoney: async (outTradeNo) => sandbox.engine.peekOrder(outTradeNo)?.tradeState === "SUCCESS",
      close: () => sandbox.close(),
    };
  },
});

runInPersonConformance({
  name: "WeChat Pay APIv3 服务商付款码, a sub-merchant (wechatpay-node-v3)",
  async setup() {
    const clock = speedClock(20);
    const sub = "1900500011";
    const sandbox = await startWechatSandbox({
      clock,
      rateLimits: false,
      autoRevokeMs: 10 * 60_000,
      serviceProviders: [
        {
          mchid: "1900500001",
          keyMode: "public_key",
          subMerchants: [{ mchid: sub }, { mchid: "1900500012" }],
        },
      ],
    });
    const gateway = wechatServiceProviderGateway(
      sandbox,
      "1900500001",
      [
        { id: "sub-a", config: { subMchid: sub } },
        { id: "sub-b", config: { subMchid: "1900500012" } },
      ],
      { clock: () => clock.now(), payments: new MemoryPaymentLedger() },
    );
    return {
      provider: gateway.forMerchant("sub-a"),
      paymentTemplate: template,
      authCode: () => `1347${tail()}`,
      planBuyer(authCode, buyer) {
        sandbox.engine.planBuyer(
          authCode,
          buyer === "pays_after_password"
            ? { kind: "pays_after", afterMs: 25_000 }
            : buyer === "refused"
              ? { kind: "refused", code: "NOT_ENOUGH" }
              : { kind: buyer },
        );
      },
      // The sub-merchant's own book: the simulator keeps its orders under its sub_mchid.
      holdsMoney: async (outTradeNo) => sandbox.engine.peekOrder(outTradeNo, sub)?.tradeState === "SUCCESS",
      close: () => sandbox.close(),
    };
  },
});

runInPersonConformance({
  name: "Alipay 条码支付 (alipay-sdk)",
  async setup() {
    const clock = speedClock(20);
    const sandbox = await startAlipaySandbox({ clock });
    const container = createPayBridgeContainer({
      clock: () => clock.now(),
      payments: new MemoryPaymentLedger(),
    });
    registerProvider(container, AlipayProvider);
    registerMerchant(container, {
      id: "alipay-shop",
      provider: AlipayProvider.id,
      config: { ...sandbox.merchantConfig(), timeoutMs: 5000 },
    });
    return {
      provider: resolveGateway(container).forMerchant("alipay-shop"),
      paymentTemplate: template,
      authCode: () => `28${tail()}00`,
      planBuyer(authCode, buyer) {
        sandbox.planBuyer(
          authCode,
          buyer === "pays_after_password"
            ? { kind: "pays_after", afterMs: 12_000 }
            : buyer === "refused"
              ? { kind: "refused", subCode: "ACQ.BUYER_BALANCE_NOT_ENOUGH" }
              : { kind: buyer },
        );
      },
      async holdsMoney(outTradeNo) {
        const trade = sandbox.trade(outTradeNo);
        return trade?.paidAt !== undefined && trade.refundedFen < trade.totalFen;
      },
      close: () => sandbox.close(),
    };
  },
});
