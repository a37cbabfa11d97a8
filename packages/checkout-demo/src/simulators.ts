import {
  type AlipaySandbox,
  type AlipaySandboxMerchantConfig,
  OffsetClock,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
  type WechatSandboxMerchantConfig,
} from "@paybridge/sandbox";

/**
 * The buyer's hands at the simulators, which the shop's sandbox-only routes use (sandbox-pay,
 * sandbox-fail): the same whether the simulators run in the shop's process or in a child process.
 */
export interface SandboxBuyer {
  /** The buyer pays in the wallet; for Alipay this resolves after the first notification attempt. */
  pay(wallet: "wechat" | "alipay", outTradeNo: string): Promise<void>;
  /** The buyer's WeChat payment fails (PAYERROR, for example a frozen card); WeChat sends no notification. */
  failWechat(outTradeNo: string, reason: string): Promise<void>;
}

/** What the shop is configured with to reach the two simulators, as it would be for the providers. */
export interface SimulatorEndpoints {
  readonly wechatConfig: WechatSandboxMerchantConfig;
  readonly alipayConfig: AlipaySandboxMerchantConfig;
  readonly wechatOrigin: string;
  readonly alipayGatewayUrl: string;
}

export interface DemoSimulators {
  readonly wechat: WechatSandbox;
  readonly alipay: AlipaySandbox;
  /** Business time of the WeChat simulator (the scripted run moves it). */
  readonly wechatClock: OffsetClock;
  close(): Promise<void>;
}

/**
 * Starts the WeChat Pay and Alipay simulators as the demo runs them, in whichever process calls
 * this (the shop's own, or the sandbox child process of sandbox-process.ts). Each signs its
 * answers on a worker thread of its own (`signingThreads`): RSA signing was the largest single
 * cost under load (checkout-load: 200 checkouts at once). WeChat refunds settle after 1.5 s of
 * sandbox time, so the scripted run shows PROCESSING -> SUCCESS.
 */
export async function startDemoSimulators(): Promise<DemoSimulators> {
  const wechatClock = new OffsetClock();
  const wechat = await startWechatSandbox({
    allowLoopbackHttpNotify: true,
    clock: wechatClock,
    refundDelayMs: 1500,
    merchants: [{ keyMode: "public_key" }],
    signingThreads: 1,
  });
  const alipay = await startAlipaySandbox({ signingThreads: 1 });
  return {
    wechat,
    alipay,
    wechatClock,
    close: async () => {
      await Promise.all([wechat.close(), alipay.close()]);
    },
  };
}

export function endpointsOf({ wechat, alipay }: DemoSimulators): SimulatorEndpoints {
  return {
    wechatConfig: wechat.merchantConfig(),
    alipayConfig: alipay.merchantConfig(),
    wechatOrigin: wechat.origin,
    alipayGatewayUrl: alipay.gatewayUrl,
  };
}

/** The buyer acting on simulators that run in this process. */
export function simulatorBuyer({ wechat, alipay }: DemoSimulators): SandboxBuyer {
  return {
    async pay(wallet, outTradeNo) {
      if (wallet === "alipay") await alipay.pay(outTradeNo);
      else wechat.control.pay(outTradeNo);
    },
    async failWechat(outTradeNo, reason) {
      wechat.control.fail(outTradeNo, { reason });
    },
  };
}
