import type { Endpoint } from "./context.js";

/** GET /v3/billdownload/file?token=. 下载账单: the file itself, unsigned (https://pay.weixin.qq.com/doc/v3/merchant/4012556654). */
export const billFile: Endpoint = {
  method: "GET",
  path: /^\/v3\/billdownload\/file$/,
  handle({ bills, merchant: m, params }) {
    return { status: 200, file: bills.download(m.mchid, params.get("token")), signed: false };
  },
};
