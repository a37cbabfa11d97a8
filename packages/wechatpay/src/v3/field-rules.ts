import {
  type createPaymentSchema,
  type ProviderFieldRules,
  ValidationError,
} from "@paybridge/core/provider-kit";
import type { z } from "zod";
import { WECHAT_V3_OUT_TRADE_NO, wechatFieldRules, wechatNotifyUrlRule } from "../shared/field-rules.js";
import type { WechatPayV3Config } from "./config.js";
import { wechatBarcodeRule } from "./in-person.js";

/** APIv3's field rules, the same for a direct merchant and a service provider's sub-merchant. */
export function v3FieldRules(config: Pick<WechatPayV3Config, "allowLoopbackHttpNotify">): ProviderFieldRules {
  return wechatFieldRules({
    outTradeNo: {
      pattern: WECHAT_V3_OUT_TRADE_NO,
      rule: "must be 6-32 characters of digits, letters and _-|* (WeChat out_trade_no)",
    },
    descriptionMax: 127,
    oneToThreeByteOnly: true,
    reasonMaxBytes: 80,
    notifyUrl: wechatNotifyUrlRule(config.allowLoopbackHttpNotify),
  });
}

/**
 * APIv3's method rule, as a payment field rule (the gateway's capability guard runs the field
 * rules first, so the provider's own reason leads): page is refused, and a barcode payment is held
 * to WeChat's own rules (a 付款码, and the store scene_info needs). A direct merchant (codepay) and a
 * service provider's sub-merchant (partner codepay) take barcode payments alike.
 */
export function v3MethodRule(
  order: { method: string; authCode?: string | undefined; store?: { id: string } | undefined },
  root: string,
): void {
  if (order.method === "page") {
    throw new ValidationError(
      `${root}.method`,
      `${root}.method: page is an Alipay method; WeChat Pay offers native (QR) for desktop pages`,
    );
  }
  if (order.method === "barcode") wechatBarcodeRule(order, root);
}

/** The methods APIv3 offers, and the openid JSAPI and mini-program orders need (JSAPI下单 payer 必填). */
export function assertV3Method<T extends z.output<typeof createPaymentSchema>>(
  order: T,
): asserts order is T & { method: Exclude<T["method"], "page" | "barcode"> } {
  v3MethodRule(order, "payment");
  // A barcode payment is not a 下单: the provider sends it to codepay before it gets here.
  if (order.method === "barcode") {
    throw new ValidationError("payment.method", "payment.method: barcode is paid through codepay, not 下单");
  }
  if ((order.method === "jsapi" || order.method === "mini_program") && !order.payer?.openid) {
    throw new ValidationError(
      "payment.payer.openid",
      `payment.payer.openid: is required for WeChat ${order.method}`,
    );
  }
}
