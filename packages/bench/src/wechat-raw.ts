import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from "node:crypto";
import { request } from "node:http";
import type { WechatSandboxMerchant } from "@paybridge/sandbox";
import Pay from "wechatpay-node-v3";

/** What wechatpay-node-v3 expects back from an http service plugged in with createHttp. */
interface LibOutput {
  status: number;
  data?: unknown;
  error?: unknown;
}

const PRODUCTION = "https://api.mch.weixin.qq.com";

/**
 * The baseline a careful engineer writes by hand on wechatpay-node-v3 without PayBridge: the
 * library builds and signs the requests; a small http service (the library's own `createHttp`
 * hook, which is the only way to reach a non-production origin) sends them to the simulator and
 * verifies every answer's Wechatpay-Signature with node:crypto and a KeyObject imported once
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012365342: RSA-SHA256 over
 * "timestamp\nnonce\nbody\n", serial and 5-minute window checked). Same HTTP calls, same
 * keep-alive global agent, same bytes as PayBridge's transport; nothing PayBridge does beyond that
 * (typed input validation, typed errors, amount echo checks, mapping) is done here. The merchant
 * key is parsed once, as PayBridge's client does (pay-client.ts): the library hands node:crypto
 * the PEM on every request, and OpenSSL 3 parsing it costs more than the signature, a cost a
 * careful engineer removes the same way; without this the ratio measured the key cache, not the
 * abstraction.
 */
export class RawWechatClient {
  readonly pay: Pay;
  private readonly wechatKey: KeyObject;
  private readonly target: URL;

  constructor(
    private readonly merchant: WechatSandboxMerchant,
    origin: string,
  ) {
    this.target = new URL(origin);
    this.wechatKey = createPublicKey(merchant.wechatpayPublicKey);
    this.pay = new Pay({
      appid: merchant.appid,
      mchid: merchant.mchid,
      serial_no: merchant.serialNo,
      publicKey: Buffer.from(merchant.publicKey),
      privateKey: Buffer.from(merchant.privateKey),
      key: merchant.apiV3Key,
    });
    const signingKey = createPrivateKey(merchant.privateKey);
    this.pay.sha256WithRsa = (data: string) =>
      createSign("RSA-SHA256").update(data).sign(signingKey, "base64");
    this.pay.createHttp({
      post: (url: string, params: Record<string, unknown>, headers: Record<string, string>) =>
        this.send("POST", url, JSON.stringify(params), headers),
      get: (url: string, headers: Record<string, string>) => this.send("GET", url, undefined, headers),
      upload: () => Promise.reject(new Error("not used")),
    } as unknown as Parameters<Pay["createHttp"]>[0]);
  }

  /** Refund then query the refund, as PayBridge's refund + queryRefund do; throws on anything but 200. */
  async refundAndQuery(
    outTradeNo: string,
    outRefundNo: string,
    refundFen: number,
    totalFen: number,
    notifyUrl: string,
  ) {
    const refunded = await this.pay.refunds({
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      notify_url: notifyUrl,
      amount: { refund: refundFen, total: totalFen, currency: "CNY" },
    } as Parameters<Pay["refunds"]>[0]);
    if (refunded.status !== 200) throw new Error(`raw refund answered ${refunded.status}`);
    const found = await this.pay.find_refunds(outRefundNo);
    if (found.status !== 200) throw new Error(`raw refund query answered ${found.status}`);
    return found.data as { status: string; out_refund_no: string };
  }

  private send(
    method: "GET" | "POST",
    url: string,
    body: string | undefined,
    libHeaders: Record<string, string>,
  ): Promise<LibOutput> {
    const path = url.startsWith(PRODUCTION) ? url.slice(PRODUCTION.length) : url;
    const headers: Record<string, string> = { ...libHeaders, "Accept-Encoding": "identity" };
    if (body !== undefined) headers["Content-Length"] = Buffer.byteLength(body).toString();
    return new Promise((resolve, reject) => {
      const req = request(
        { hostname: this.target.hostname, port: this.target.port, path, method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            try {
              this.verify(res.headers, text);
            } catch (error) {
              reject(error);
              return;
            }
            const status = res.statusCode ?? 0;
            resolve(
              status < 300 ? { status, data: text ? JSON.parse(text) : undefined } : { status, error: text },
            );
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  private verify(headers: Record<string, string | string[] | undefined>, body: string): void {
    const timestamp = headers["wechatpay-timestamp"];
    const nonce = headers["wechatpay-nonce"];
    const signature = headers["wechatpay-signature"];
    const serial = headers["wechatpay-serial"];
    if (typeof timestamp !== "string" || typeof nonce !== "string" || typeof signature !== "string") {
      throw new Error("unsigned answer");
    }
    if (serial !== this.merchant.wechatpayPublicKeyId) throw new Error(`unknown serial ${String(serial)}`);
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) throw new Error("stale answer");
    const ok = createVerify("RSA-SHA256")
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .verify(this.wechatKey, signature, "base64");
    if (!ok) throw new Error("answer signature does not verify");
  }
}
