import { z } from "zod";
import { CLOUD_PAY_METHODS, type CloudPayApi } from "./wire-types.js";

function isCloudPayApi(value: unknown): value is CloudPayApi {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return CLOUD_PAY_METHODS.every((m) => typeof candidate[m] === "function");
}

/**
 * Configuration of one CloudPay merchant account. `cloudPay` is the user's own
 * `cloud.cloudPay` from wx-server-sdk (or the sandbox's CloudPaySimulator): an object of
 * functions, hence z.custom, which checks the six methods and keeps the very same object.
 */
export const wechatCloudPayConfigSchema = z.strictObject({
  /** sub_mch_id: "微信支付分配的子商户号", String(32) of digits. */
  subMchId: z.string().regex(/^\d{1,32}$/, { error: "must be the digits of the WeChat Pay sub_mch_id" }),
  /** Cloud environment of the callback function (unifiedOrder envId). */
  envId: z.string().min(1, { error: "must not be empty" }).max(128),
  /** The cloud function that receives pay-result callbacks (unifiedOrder functionName). */
  functionName: z.string().min(1, { error: "must not be empty" }).max(128),
  cloudPay: z.custom<CloudPayApi>(isCloudPayApi, {
    error:
      "must be wx-server-sdk's cloud.cloudPay: an object with unifiedOrder, queryOrder, closeOrder, refund, queryRefund and downloadBill functions",
  }),
  /** spbillCreateIp: a cloud function has no public IP of its own; the cloud docs' examples pass 127.0.0.1. */
  spbillCreateIp: z.string().min(3).max(64).default("127.0.0.1"),
});
export type WechatCloudPayConfig = z.input<typeof wechatCloudPayConfigSchema>;
export type WechatCloudPayParsedConfig = z.output<typeof wechatCloudPayConfigSchema>;
