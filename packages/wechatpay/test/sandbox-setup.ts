import { type Logger, silentLogger, systemClock } from "@paybridge/core";
import {
  ManualClock,
  startWechatSandbox,
  type WechatKeyMode,
  type WechatSandbox,
  type WechatSandboxMerchant,
  type WechatSandboxOptions,
  wechatMerchantConfig,
} from "@paybridge/sandbox";
import { WechatPayProvider, type WechatPayV3ConfigInput } from "../src/index.js";

/** Provider configuration for a sandbox merchant, in the merchant's key mode. */
export function configFor(
  m: WechatSandboxMerchant,
  origin: string,
  extra: Partial<WechatPayV3ConfigInput> = {},
): WechatPayV3ConfigInput {
  // The rig's sandbox accepts loopback http notify URLs; the client opts in the same way.
  return { ...wechatMerchantConfig(m, origin), allowLoopbackHttpNotify: true, ...extra };
}

export interface Rig {
  sandbox: WechatSandbox;
  clock: ManualClock;
  provider: WechatPayProvider;
  merchant: WechatSandboxMerchant;
  notifyUrl: string;
  close(): Promise<void>;
}

/** A sandbox on a manual clock and a provider wired to it over real HTTP. */
export async function startRig(
  keyMode: WechatKeyMode,
  options: Omit<WechatSandboxOptions, "clock" | "merchants"> = {},
  providerExtra: Partial<WechatPayV3ConfigInput> = {},
  logger: Logger = silentLogger,
): Promise<Rig> {
  const clock = new ManualClock(Date.now());
  const sandbox = await startWechatSandbox({
    clock,
    merchants: [{ keyMode }],
    // The rig's notify_url is the sandbox's own http sink on 127.0.0.1.
    allowLoopbackHttpNotify: true,
    ...options,
  });
  const merchant = sandbox.merchant();
  const provider = new WechatPayProvider(configFor(merchant, sandbox.origin, providerExtra), {
    merchantId: `wx-${keyMode}`,
    clock: systemClock,
    logger,
  });
  return {
    sandbox,
    clock,
    provider,
    merchant,
    notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
    close: () => sandbox.close(),
  };
}
