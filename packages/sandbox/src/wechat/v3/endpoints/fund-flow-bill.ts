import type { Endpoint } from "./context.js";

/**
 * GET /v3/bill/fundflowbill?bill_date=&account_type=&tar_type= (申请资金账单,
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-fund-bill.html): the download link.
 */
export const fundFlowBill: Endpoint = {
  method: "GET",
  path: /^\/v3\/bill\/fundflowbill$/,
  handle({ bills, merchant: m, params }) {
    return { status: 200, body: bills.applyFundFlow(m.mchid, params) };
  },
};
