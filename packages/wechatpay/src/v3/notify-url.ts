import { wechatNotifyUrlRule } from "../shared/field-rules.js";

/**
 * WeChat's rule for every notify_url, a refund's included (see wechatNotifyUrlRule in
 * shared/field-rules.ts: https, at most 256 bytes, no query string). This is the class-level rule
 * RefundService checks when it is built (ProviderClass.refundNotifyUrlSchema), where a merchant's
 * own `allowLoopbackHttpNotify` is not known: loopback http passes here, and each provider
 * instance's fieldRules refuse it before a refund is stored unless that merchant opted in.
 */
export const wechatNotifyUrlSchema = wechatNotifyUrlRule(true);
