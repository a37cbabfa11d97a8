import {
  createPayBridgeContainer,
  type PayBridgeContainerOptions,
  type PaymentGateway,
  registerMerchant,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
} from "@paybridge/core";
import { type WechatSandbox, type WechatSandboxMerchant, wechatMerchantConfig } from "@paybridge/sandbox";
import { WechatPayProvider, type WechatPayV3ConfigInput } from "@paybridge/wechatpay";

export const WECHAT_MERCHANT_ID = "wx-main";

/** WechatPayProvider configuration for a sandbox merchant (public-key mode: no certificate download). */
export function wechatConfig(m: WechatSandboxMerchant, origin: string): WechatPayV3ConfigInput {
  // e2e receivers listen on loopback http; the sandboxes they use opt in, and so does the client.
  return { ...wechatMerchantConfig(m, origin), allowLoopbackHttpNotify: true };
}

/** A gateway with the real WechatPayProvider registered for one sandbox merchant. */
export function wechatGateway(
  config: WechatPayV3ConfigInput,
  merchantId = WECHAT_MERCHANT_ID,
): PaymentGateway {
  const container = createPayBridgeContainer();
  registerProvider(container, WechatPayProvider);
  registerMerchant(container, { id: merchantId, provider: WechatPayProvider.id, config });
  return resolveGateway(container);
}

/**
 * A gateway with the real WechatPayProvider registered for sandbox service provider `spMchid`
 * (registered as "wx-sp") and its sub-merchants, each under its own merchant id.
 */
export function wechatServiceProviderGateway(
  sandbox: WechatSandbox,
  spMchid: string,
  subMerchants: readonly { id: string; config: { subMchid: string; subAppid?: string } }[],
  options: PayBridgeContainerOptions = {},
): PaymentGateway {
  const container = createPayBridgeContainer(options);
  registerProvider(container, WechatPayProvider);
  registerServiceProvider(container, {
    id: "wx-sp",
    provider: WechatPayProvider.id,
    config: wechatConfig(sandbox.merchant(spMchid), sandbox.origin),
    subMerchants,
  });
  return resolveGateway(container);
}

/** Creates and pays an order inside the simulator (not over HTTP: only refunds are under test). */
export function paidWechatOrder(
  sandbox: WechatSandbox,
  outTradeNo: string,
  totalFen: number,
  mchid?: string,
) {
  const m = sandbox.merchant(mchid);
  sandbox.engine.createOrder(m.mchid, {
    appid: m.appid,
    outTradeNo,
    description: "refund e2e",
    totalFen,
    notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
    channel: "native",
  });
  return sandbox.control.pay(outTradeNo, { mchid: m.mchid });
}
