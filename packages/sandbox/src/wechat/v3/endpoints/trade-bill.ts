import type { Endpoint } from "./context.js";

/**
 * GET /v3/bill/tradebill?bill_date=&bill_type= (申请交易账单,
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-trade-bill.html): the download link.
 */
export const tradeBill: Endpoint = {
  method: "GET",
  path: /^\/v3\/bill\/tradebill$/,
  handle({ bills, merchant: m, params }) {
    return { status: 200, body: bills.apply(m.mchid, params) };
  },
};
