import { WechatEngineError } from "../../engine/errors.js";
import type { EndpointContext } from "../endpoints/context.js";
import type { PartnerBook, WechatSandboxSubMerchant } from "./book.js";

/** The book of an endpoint serving service providers (present whenever one is configured). */
export function partnersOf(ctx: EndpointContext): PartnerBook {
  if (!ctx.partners) throw new WechatEngineError("PARAM_ERROR", "普通商户不允许传sub_mch_id");
  return ctx.partners;
}

/** sp_mchid as the request names it must be the service provider that signed it. */
export function assertSpMchid(given: string | null | undefined, ctx: EndpointContext): void {
  if (given !== ctx.merchant.mchid) {
    throw new WechatEngineError(
      "PARAM_ERROR",
      `sp_mchid ${given ?? "(缺失)"} 与 Authorization 中的商户号 ${ctx.merchant.mchid} 不一致`,
    );
  }
}

/** sp_mchid and sub_mchid of a partner query string: the signer and one of its sub-merchants. */
export function queryIds(ctx: EndpointContext): WechatSandboxSubMerchant {
  assertSpMchid(ctx.params.get("sp_mchid"), ctx);
  return partnersOf(ctx).requireSub(ctx.merchant.mchid, ctx.params.get("sub_mchid"));
}
