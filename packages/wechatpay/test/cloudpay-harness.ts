import type { RawNotification } from "@paybridge/core";
import { silentLogger } from "@paybridge/core";
import type { ConformanceHarness } from "@paybridge/core/testkit";
import { CloudPaySimulator, ManualClock, WechatMerchantEngine } from "@paybridge/sandbox";
import { cloudPayEventToRawNotification, WechatCloudPayProvider } from "@paybridge/wechatpay";

export const SUB_MCH_ID = "1900000109";
export const OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

export interface CloudPaySetup {
  readonly engine: WechatMerchantEngine;
  readonly simulator: CloudPaySimulator;
  readonly provider: WechatCloudPayProvider;
}

/** A live simulator on its own engine (manual clock, so time moves only when a test says so). */
export function cloudPaySetup(
  options: { keyStyle?: "documented" | "camelCase"; engine?: WechatMerchantEngine } = {},
): CloudPaySetup {
  const engine = options.engine ?? new WechatMerchantEngine({ clock: new ManualClock() });
  if (!engine.hasMerchant(SUB_MCH_ID)) engine.addMerchant({ mchid: SUB_MCH_ID });
  const simulator = new CloudPaySimulator({
    engine,
    ...(options.keyStyle ? { keyStyle: options.keyStyle } : {}),
  });
  const provider = new WechatCloudPayProvider(
    { subMchId: SUB_MCH_ID, envId: "test-123", functionName: "paycallback", cloudPay: simulator },
    { merchantId: "wx-cloud", clock: () => engine.now(), logger: silentLogger },
  );
  return { engine, simulator, provider };
}

/** The conformance harness: nextNotification reads the callbacks the simulator sent to the cloud function. */
export function cloudPayHarness(setup: CloudPaySetup = cloudPaySetup()): ConformanceHarness {
  const { engine, simulator, provider } = setup;
  return {
    provider,
    paymentTemplate: {
      description: "PayBridge conformance",
      method: "mini_program",
      // Required by the unified schema; CloudPay calls the cloud function instead (provider.ts).
      notifyUrl: "https://example.com/unused-by-cloudpay",
      payer: { openid: OPENID },
    },
    pay: async (outTradeNo) => {
      engine.pay(outTradeNo, { mchid: SUB_MCH_ID });
    },
    advanceClock: async (ms) => engine.advance(ms),
    requestCount: async () => simulator.calls,
    nextNotification: async (outTradeNo, kind): Promise<RawNotification> => {
      if (kind === "refund") throw new Error("CloudPay has no refund callbacks: poll queryRefund");
      const callback = simulator.takeCallback(outTradeNo);
      if (!callback) throw new Error(`no CloudPay callback for ${outTradeNo}`);
      return cloudPayEventToRawNotification(callback.event);
    },
    close: async () => simulator.close(),
  };
}
