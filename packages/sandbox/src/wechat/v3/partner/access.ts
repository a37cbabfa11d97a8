import { WechatEngineError } from "../../engine/errors.js";
import type { Endpoint } from "../endpoints/context.js";
import type { PartnerBook } from "./book.js";

/**
 * A service provider calls the partner APIs and an ordinary merchant the direct ones; each is
 * refused the other's as WeChat refuses them: a 服务商 on a direct order API "受理机构必须传入
 * sub_mch_id", an ordinary merchant on a partner API "普通商户不允许传sub_mch_id" (both PARAM_ERROR).
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
