import { WechatEngineError } from "../../engine/errors.js";
import type { Endpoint } from "./context.js";

/**
 * GET /v3/bill/tradebill?bill_date=&bill_type= (申请交易账单,
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-trade-bill.html): the download link.
 * A service provider (申请所有/单个子商户交易账单,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/get-trade-bill.html) gets the
 * bill of the sub_mchid it names, one it has a 受理关系 with, or of all its sub-merchants without it.
 */
export const tradeBill: Endpoint = {
  method: "GET",
  path: /^\/v3\/bill\/tradebill$/,
  handle({ bills, merchant: m, params, partners }) {
    if (partners?.isServiceProvider(m.mchid)) {
      const subMchid = params.get("sub_mchid");
      const subs =
        subMchid === null
          ? partners.subMerchantsOf(m.mchid).map((s) => s.mchid)
          : [partners.requireSub(m.mchid, subMchid).mchid];
      return { status: 200, body: bills.applyPartner(m.mchid, subs, params) };
    }
    if (params.get("sub_mchid") !== null) {
      throw new WechatEngineError("PARAM_ERROR", "普通商户不允许传sub_mch_id");
    }
    return { status: 200, body: bills.apply(m.mchid, params) };
  },
};
