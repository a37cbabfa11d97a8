import { WechatEngineError } from "../../engine/errors.js";
import type { Endpoint } from "../endpoints/context.js";
import type { PartnerBook } from "./book.js";

/**
 * A service provider calls the partner APIs and an ordinary merchant the direct ones; each is
 * refused the other's as WeChat refuses them, before the handler books anything:
 * - a 服务商's own mchid on a direct order API (jsapi/native/h5/app, codepay, query, close,
 *   reverse) answers 400 PARAM_ERROR "受理机构必须传入sub_mch_id". WeChat's developer community
 *   shows it for the v3 direct jsapi and answers "服务商商户号就不支持收款" with a pointer to the
 *   partner APIs (https://developers.weixin.qq.com/community/pay/doc/00040e10ac0738dc3cddc472556000,
 *   https://developers.weixin.qq.com/community/pay/doc/0008e2fe2b0ec80cb00d2b03a50000); the same
 *   message comes back from /v3/pay/transactions/codepay (https://github.com/binarywang/WxJava/issues/3676).
 *   The shared refund paths, which a 服务商 does call, ask for sub_mchid instead (partner/refund.ts).
 * - an ordinary merchant on a partner API answers PARAM_ERROR "普通商户不允许传sub_mch_id"
 *   (https://developers.weixin.qq.com/community/develop/doc/0008ec83ab4fe8d27f43067d164c00).
 */
export function assertMayCall(book: PartnerBook | undefined, endpoint: Endpoint, mchid: string): void {
  const serviceProvider = book?.isServiceProvider(mchid) === true;
  if (endpoint.serviceProvider === "only" && !serviceProvider) {
    throw new WechatEngineError("PARAM_ERROR", "普通商户不允许传sub_mch_id");
  }
  if (endpoint.serviceProvider === "never" && serviceProvider) {
    throw new WechatEngineError("PARAM_ERROR", "受理机构必须传入sub_mch_id");
  }
}
