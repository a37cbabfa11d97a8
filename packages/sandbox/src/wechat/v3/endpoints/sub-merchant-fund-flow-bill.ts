import { partnersOf } from "../partner/ids.js";
import type { Endpoint } from "./context.js";

/**
 * GET /v3/bill/sub-merchant-fundflowbill?sub_mchid=&bill_date=&account_type=&algorithm=&tar_type=
 * (申请单个子商户资金账单,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-mini-program-payment/get-sub-mch-fund-flow-bill.html):
 * a service provider only, for a sub-merchant it has a 受理关系 with; the answer is signed like
 * every answer and lists the encrypted file's parts.
 */
export const subMerchantFundFlowBill: Endpoint = {
  method: "GET",
  path: /^\/v3\/bill\/sub-merchant-fundflowbill$/,
  serviceProvider: "only",
  handle(ctx) {
    const sub = partnersOf(ctx).requireSub(ctx.merchant.mchid, ctx.params.get("sub_mchid"));
    return {
      status: 200,
      body: ctx.bills.applySubMerchantFundFlow(
        ctx.merchant.mchid,
        ctx.merchant.publicKey,
        sub.mchid,
        ctx.params,
      ),
    };
  },
};
