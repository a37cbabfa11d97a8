import Pay from "wechatpay-node-v3";
import type { LibOutput } from "./transport.js";

/** Where the library builds every URL; the transport sends the request to the configured origin. */
const API = "https://api.mch.weixin.qq.com";

/**
 * wechatpay-node-v3's client plus the APIv3 calls it lacks, built and signed exactly like its own
 * (buildAuthorization over method, path and body; the same http service, so the same transport
 * verifies the answers).
 */
export class WechatPayV3Client extends Pay {
  /**
   * 付款码支付, POST /v3/pay/transactions/codepay
   * (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html).
   */
  codepay(body: Record<string, unknown>): Promise<LibOutput> {
    return this.signedPost("/v3/pay/transactions/codepay", { appid: this.appid, mchid: this.mchid, ...body });
  }

  /**
   * 撤销, POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse with appid and mchid
   * (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html).
   */
  reverse(outTradeNo: string): Promise<LibOutput> {
    return this.signedPost(`/v3/pay/transactions/out-trade-no/${outTradeNo}/reverse`, {
      appid: this.appid,
      mchid: this.mchid,
    });
  }

  private async signedPost(path: string, params: Record<string, unknown>): Promise<LibOutput> {
    const url = `${API}${path}`;
    const authorization = this.buildAuthorization("POST", url, params);
    const headers = this.getHeaders(authorization, { "Content-Type": "application/json" });
    return (await this.httpService.post(url, params, headers)) as LibOutput;
  }
}
