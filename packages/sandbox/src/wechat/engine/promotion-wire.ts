import { WechatEngineError } from "./errors.js";
import type { PromotionInput } from "./types.js";

/**
 * The control API's `promotion_detail` (snake_case, as the query page names the fields,
 * https://pay.weixin.qq.com/doc/v3/merchant/4013070356) -> engine input. A malformed entry is a
 * PARAM_ERROR naming the field; amounts and their sum are checked by promotions.ts.
 */
export function promotionInputs(raw: unknown): PromotionInput[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw new WechatEngineError("PARAM_ERROR", "promotion_detail 必须是数组");
  return raw.map((entry: unknown, i): PromotionInput => {
    const field = `promotion_detail[${i}]`;
    if (typeof entry !== "object" || entry === null) {
      throw new WechatEngineError("PARAM_ERROR", `${field} 必须是对象`);
    }
    const e = entry as Record<string, unknown>;
    const int = (key: string): number | undefined => {
      const v = e[key];
      if (v === undefined) return undefined;
      if (typeof v !== "number" || !Number.isSafeInteger(v)) {
        throw new WechatEngineError("PARAM_ERROR", `${field}.${key} 必须是整数(分)`);
      }
      return v;
    };
    const str = (key: string): string | undefined => {
      const v = e[key];
      if (v === undefined) return undefined;
      if (typeof v !== "string") throw new WechatEngineError("PARAM_ERROR", `${field}.${key} 必须是字符串`);
      return v;
    };
    const type = str("type");
    if (type !== "CASH" && type !== "NOCASH") {
      throw new WechatEngineError("PARAM_ERROR", `${field}.type 只能是 CASH 或 NOCASH`);
    }
    const scope = str("scope");
    if (scope !== undefined && scope !== "GLOBAL" && scope !== "SINGLE") {
      throw new WechatEngineError("PARAM_ERROR", `${field}.scope 只能是 GLOBAL 或 SINGLE`);
    }
    const amountFen = int("amount");
    if (amountFen === undefined) throw new WechatEngineError("PARAM_ERROR", `${field}.amount is required`);
    return {
      type,
      amountFen,
      couponId: str("coupon_id"),
      name: str("name"),
      scope,
      stockId: str("stock_id"),
      wechatpayContributeFen: int("wechatpay_contribute"),
      merchantContributeFen: int("merchant_contribute"),
      otherContributeFen: int("other_contribute"),
    };
  });
}
