import type { PaymentGateway, PaymentProvider } from "@paybridge/core";
import { startWechatSandbox, type WechatSandbox, type WechatSandboxMerchant } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { benchGateway } from "./bench-gateway.js";

export const WECHAT_BENCH_MERCHANT = "bench-wechat";

export interface WechatBenchRig {
  readonly sandbox: WechatSandbox;
  readonly merchant: WechatSandboxMerchant;
  /** The gateway a backend would hold, with the one simulator merchant. */
  readonly gateway: PaymentGateway;
  /** That merchant's provider, from the gateway (capability guard included). */
  readonly provider: PaymentProvider;
  readonly notifyUrl: string;
  /** Creates `count` paid orders of `totalFen` in the simulator, outside any timing. */
  paidOrders(prefix: string, count: number, totalFen: number): string[];
  close(): Promise<void>;
}

/**
 * One WeChat Pay v3 simulator on 127.0.0.1 and a PayBridge provider wired to it, in the merchant's
 * public-key mode (WeChat's mode for new merchants: https://pay.weixin.qq.com/doc/v3/merchant/4013038816).
 * The simulator's own rules that would turn a benchmark into a rule test are relaxed: no per-second
 * rate limit, no one-minute gap between refunds, refunds stay PROCESSING (no settlement and no
 * notification signing in the middle of a timed round), notifications are built but not sent.
 */
export async function startWechatBenchRig(): Promise<WechatBenchRig> {
  const sandbox = await startWechatSandbox({
    allowLoopbackHttpNotify: true,
    merchants: [{ keyMode: "public_key" }],
    rateLimits: false,
    refundIntervalMs: 0,
    refundDelayMs: 30 * 24 * 3600_000,
    settleIntervalMs: 3600_000,
    notify: { deliver: false },
  });
  const merchant = sandbox.merchant();
  const notifyUrl = `${sandbox.origin}/sandbox/notify-sink`;
  const gateway = benchGateway(WechatPayProvider, WECHAT_BENCH_MERCHANT, {
    ...sandbox.merchantConfig(),
    notifyUrl,
  });
  const provider = gateway.forMerchant(WECHAT_BENCH_MERCHANT);
  let sequence = 0;
  return {
    sandbox,
    merchant,
    gateway,
    provider,
    notifyUrl,
    paidOrders(prefix, count, totalFen) {
      const numbers: string[] = [];
      for (let i = 0; i < count; i++) {
        sequence += 1;
        const outTradeNo = `${prefix}${Date.now().toString(36)}${sequence.toString().padStart(7, "0")}`;
        sandbox.engine.createOrder(merchant.mchid, {
          appid: merchant.appid,
          outTradeNo,
          description: "PayBridge bench",
          totalFen,
          notifyUrl,
          channel: "native",
        });
        sandbox.control.pay(outTradeNo, { mchid: merchant.mchid });
        numbers.push(outTradeNo);
      }
      return numbers;
    },
    close: () => sandbox.close(),
  };
}
