import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import Pay from "wechatpay-node-v3";
import type { LibOutput } from "./transport.js";
import type { V3CodePayBody, V3OrderBody } from "./wire-types.js";

/** Where the library builds every URL; the transport sends the request to the configured origin. */
const API = "https://api.mch.weixin.qq.com";

/**
 * wechatpay-node-v3's client plus the APIv3 calls it lacks, built and signed exactly like its own
 * (buildAuthorization over method, path and body; the same http service, so the same transport
 * verifies the answers).
 */
export class WechatPayV3Client extends Pay {
  private signingKey: KeyObject | undefined;

  /**
   * The library's SHA256withRSA over the same string, with the merchant key parsed once: the
   * library hands node:crypto the PEM buffer, which OpenSSL 3 parses again on every request, and
   * that parse cost more than the signature itself (about 2 of 3 ms on the bench machine).
   */
  override sha256WithRsa(data: string): string {
    if (!this.privateKey) return super.sha256WithRsa(data);
    this.signingKey ??= createPrivateKey(this.privateKey);
    return createSign("RSA-SHA256").update(data).sign(this.signingKey, "base64");
  }

  /**
   * 付款码支付, POST /v3/pay/transactions/codepay
   * (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html).
   */
  codepay(body: V3CodePayBody): Promise<LibOutput> {
    return this.signedPost("/v3/pay/transactions/codepay", { appid: this.appid, mchid: this.mchid, ...body });
  }

  /**
   * 下单, POST /v3/pay/transactions/{jsapi|native|h5|app} with appid and mchid: the answer as WeChat
   * sent it (prepay_id, code_url or h5_url), which the provider parses and turns into the client's
   * parameters itself (the library's own JSAPI / APP helpers read prepay_id unchecked).
   */
  prepay(channel: "jsapi" | "native" | "h5" | "app", body: V3OrderBody): Promise<LibOutput> {
    return this.signedPost(`/v3/pay/transactions/${channel}`, {
      appid: this.appid,
      mchid: this.mchid,
      ...body,
    });
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

  /**
   * 退款申请, POST /v3/refund/domestic/refunds (https://pay.weixin.qq.com/doc/v3/merchant/4012556457),
   * and 查询单笔退款, GET /v3/refund/domestic/refunds/{out_refund_no}
   * (https://pay.weixin.qq.com/doc/v3/merchant/4013071041): the library's own requests (same URL,
   * buildAuthorization and headers), sent without its transpiled generator step machine, which was
   * a measurable share of PayBridge's cost per refund + query (docs/performance.md, section 1).
   */
  override refunds(params: Parameters<Pay["refunds"]>[0]): ReturnType<Pay["refunds"]> {
    return this.signedPost("/v3/refund/domestic/refunds", params) as ReturnType<Pay["refunds"]>;
  }

  override find_refunds(outRefundNo: string): ReturnType<Pay["find_refunds"]> {
    // The library's own refusal of an empty number, before anything is signed.
    if (!outRefundNo) return Promise.reject(new Error("缺少out_refund_no"));
    const url = `${API}/v3/refund/domestic/refunds/${outRefundNo}`;
    const headers = this.getHeaders(this.buildAuthorization("GET", url));
    return this.httpService.get(url, headers) as ReturnType<Pay["find_refunds"]>;
  }

  private signedPost(path: string, params: object): Promise<LibOutput> {
    const url = `${API}${path}`;
    const authorization = this.buildAuthorization("POST", url, params);
    const headers = this.getHeaders(authorization, { "Content-Type": "application/json" });
    return this.httpService.post(url, params, headers) as Promise<LibOutput>;
  }
}

/**
 * RSA-SHA256 over the lines, each followed by a newline, with the merchant's (or service
 * provider's) private key, base64: the paySign of JSAPI调起支付
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012791857) and the sign of APP调起支付
 * (https://pay.weixin.qq.com/doc/v3/merchant/4013070351).
 */
export function signPayLines(key: KeyObject, lines: readonly string[]): string {
  return createSign("RSA-SHA256")
    .update(`${lines.join("\n")}\n`)
    .sign(key, "base64");
}
