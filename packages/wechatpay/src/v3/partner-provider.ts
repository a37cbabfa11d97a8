import { createSign, randomBytes } from "node:crypto";
import {
  assertEcho,
  type ClosePaymentInput,
  type CreatePaymentInput,
  type CreatePaymentResult,
  closePaymentSchema,
  concealProvider,
  createPaymentSchema,
  type ListRefundsQuery,
  listRefundsSchema,
  type NotificationAck,
  type NotificationEvent,
  type PaymentProvider,
  type ProviderCapabilities,
  type ProviderContext,
  ProviderError,
  type ProviderFieldRules,
  parseInput,
  type RawNotification,
  type RefundQuery,
  type RefundRequest,
  type RefundResult,
  type RefundRules,
  refundQuerySchema,
  refundRequestSchema,
  type ServiceProviderContext,
  type ServiceProviderSession,
  type TradeQuery,
  type TradeResult,
  tradeQuerySchema,
  UnsupportedOperationError,
  withPaymentRule,
} from "@paybridge/core";
import { WECHAT_REFUND_RULES } from "../shared/refund-rules.js";
import { openV3Client, type V3Client } from "./client.js";
import { closeOrRefusePaid } from "./close.js";
import { type WechatPayV3Config, type WechatPayV3ConfigInput, wechatPayV3ConfigSchema } from "./config.js";
import { assertV3Method, v3FieldRules, v3MethodRule } from "./field-rules.js";
import type { WechatPayKeyStore } from "./key-store.js";
import { parseV3Notification } from "./notification.js";
import type { WechatPaySubMerchant } from "./partner-config.js";
import {
  assertPartnerRefundIdentity,
  assertPartnerTransactionIdentity,
  type V3PartnerIdentity,
} from "./partner-identity.js";
import { toV3PartnerOrderBody, toV3PartnerRefundBody } from "./partner-transformers.js";
import type { V3PartnerRefundNotice, V3PartnerTransaction } from "./partner-wire-types.js";
import { assertRefundEcho, fromV3Refund, fromV3Transaction } from "./transformers.js";
import type { V3Refund, V3Transaction } from "./wire-types.js";

/** Where the library and WeChat's pages address every call; the transport sends it to the configured origin. */
const API = "https://api.mch.weixin.qq.com";

/**
 * A WeChat Pay service provider (服务商) opened once: its private key, WeChat's keys (one key
 * store: the platform certificates or public key belong to sp_mchid) and transport, shared by
 * every sub-merchant. Partner calls are signed as the service provider (Authorization names
 * sp_mchid) and name the sub-merchant in the request (签名认证,
 * https://pay.weixin.qq.com/doc/v3/partner/4012365342).
 */
export class WechatPayPartnerSession implements ServiceProviderSession<WechatPaySubMerchant> {
  readonly config: WechatPayV3Config;
  readonly client: V3Client;
  readonly serviceProviderId: string;

  constructor(config: WechatPayV3ConfigInput, context: ServiceProviderContext) {
    this.config = parseInput(wechatPayV3ConfigSchema, config, "config");
    this.serviceProviderId = context.serviceProviderId;
    this.client = openV3Client(this.config, context.clock, context.logger);
    // Printed as its id only, never its keys.
    concealProvider(Object.assign(this, { id: "wechatpay", merchantId: context.serviceProviderId }));
  }

  get keys(): WechatPayKeyStore {
    return this.client.keys;
  }

  subMerchant(sub: WechatPaySubMerchant, context: ProviderContext): WechatPayPartnerProvider {
    return new WechatPayPartnerProvider(this, sub, context);
  }

  /** One signed partner call (the library has no partner endpoints; it signs, the transport sends and verifies). */
  async call(method: "GET" | "POST", path: string, body?: Record<string, unknown>): Promise<unknown> {
    const { pay, transport } = this.client;
    const nonce = randomBytes(16).toString("hex");
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const signature = pay.getSignature(method, nonce, timestamp, path, body);
    const headers = {
      Accept: "application/json",
      "Content-Type": "application/json",
      "User-Agent": "paybridge-wechatpay",
      Authorization: pay.getAuthorization(nonce, timestamp, signature),
    };
    const out =
      method === "POST"
        ? await transport.post(API + path, body ?? {}, headers)
        : await transport.get(API + path, headers);
    return out.data;
  }

  /** RSA-SHA256 with the service provider's key, base64: the paySign / sign of 调起支付. */
  sign(lines: readonly string[]): string {
    return createSign("RSA-SHA256")
      .update(`${lines.join("\n")}\n`)
      .sign(this.client.merchantKey, "base64");
  }
}

/**
 * One sub-merchant of a WeChat Pay service provider, as a PaymentProvider: every order, query,
 * close and refund names sp_mchid + sub_mchid and is signed with the service provider's key; an
 * answer or notification about another sub-merchant is refused.
 */
export class WechatPayPartnerProvider implements PaymentProvider {
  readonly id = "wechatpay";
  readonly merchantId: string;
  readonly capabilities: ProviderCapabilities = {
    methods: ["jsapi", "mini_program", "native", "h5", "app"],
    listRefunds: false,
    partialRefund: true,
    // This instance is a 服务商's sub-merchant: the conformance suite's sub-merchant cases run for it.
    modes: ["service_provider"],
  };
  /** WeChat Pay's refund rules, written once for every transport (shared/refund-rules.ts). */
  readonly refundRules: RefundRules = WECHAT_REFUND_RULES;
  readonly rateLimitAccount: string;
  readonly fieldRules: ProviderFieldRules;
  private readonly identity: V3PartnerIdentity;

  constructor(
    private readonly session: WechatPayPartnerSession,
    readonly subMerchant: WechatPaySubMerchant,
    context: ProviderContext,
  ) {
    this.merchantId = context.merchantId;
    this.rateLimitAccount = `service-provider:${session.serviceProviderId}`;
    this.fieldRules = withPaymentRule(v3FieldRules(session.config), v3MethodRule);
    this.identity = {
      spMchid: session.config.mchid,
      spAppid: session.config.appid,
      subMchid: subMerchant.subMchid,
      subAppid: subMerchant.subAppid,
    };
    concealProvider(this);
  }

  private get ids() {
    return `sp_mchid=${this.identity.spMchid}&sub_mchid=${this.identity.subMchid}`;
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult> {
    const order = parseInput(createPaymentSchema, input, "payment");
    this.fieldRules.payment(order, "payment");
    assertV3Method(order);
    const body = toV3PartnerOrderBody(
      order,
      { spMchid: this.identity.spMchid, spAppid: this.identity.spAppid },
      this.subMerchant,
    );
    const base = {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: order.outTradeNo,
      method: order.method,
    };
    const channel = order.method === "mini_program" ? "jsapi" : order.method;
    const data = await this.session.call("POST", `/v3/pay/partner/transactions/${channel}`, body);
    // The app the buyer pays in: the sub-merchant's when the order names sub_appid, else the service provider's.
    const appId = this.subMerchant.subAppid ?? this.identity.spAppid;
    const timeStamp = Math.floor(Date.now() / 1000).toString();
    const nonceStr = randomBytes(16).toString("hex");
    switch (order.method) {
      case "jsapi":
      case "mini_program": {
        // JSAPI调起支付 (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/jsapi-transfer-payment.html):
        // appId, timeStamp, nonceStr, package, signType RSA, paySign over the four lines, with the service provider's key.
        const prepayId = answerString(data, "prepay_id");
        const pkg = `prepay_id=${prepayId}`;
        const paySign = this.session.sign([appId, timeStamp, nonceStr, pkg]);
        return {
          ...base,
          providerReference: prepayId,
          action: {
            type: "client_params",
            params: { appId, timeStamp, nonceStr, package: pkg, signType: "RSA", paySign },
          },
        };
      }
      case "app": {
        // APP调起支付 (https://pay.weixin.qq.com/docs/partner/apis/partner-in-app-payment/app-transfer-payment.html):
        // partnerid is the sub-merchant (sub_mchid), signed like the direct one.
        const prepayid = answerString(data, "prepay_id");
        const sign = this.session.sign([appId, timeStamp, nonceStr, prepayid]);
        return {
          ...base,
          providerReference: prepayid,
          action: {
            type: "client_params",
            params: {
              appid: appId,
              partnerid: this.identity.subMchid,
              prepayid,
              package: "Sign=WXPay",
              noncestr: nonceStr,
              timestamp: timeStamp,
              sign,
            },
          },
        };
      }
      case "native":
        return { ...base, action: { type: "qr_code", content: answerString(data, "code_url") } };
      case "h5": {
        const h5Url = answerString(data, "h5_url");
        const url = order.returnUrl ? `${h5Url}&redirect_url=${encodeURIComponent(order.returnUrl)}` : h5Url;
        return { ...base, action: { type: "redirect", url } };
      }
    }
  }

  /**
   * 查询订单 by out_trade_no or transaction_id with sp_mchid + sub_mchid
   * (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-query-by-out-trade-no.html).
   * The answer must be about this order of this sub-merchant of this service provider.
   */
  async queryPayment(query: TradeQuery): Promise<TradeResult> {
    const q = parseInput(tradeQuerySchema, query, "query");
    if ("outTradeNo" in q) this.fieldRules.outTradeNo(q.outTradeNo, "query.outTradeNo");
    const path =
      "outTradeNo" in q
        ? `/v3/pay/partner/transactions/out-trade-no/${encodeURIComponent(q.outTradeNo)}?${this.ids}`
        : `/v3/pay/partner/transactions/id/${encodeURIComponent(q.providerTradeNo)}?${this.ids}`;
    const wire = ((await this.session.call("GET", path)) ?? {}) as V3PartnerTransaction;
    const echo = { provider: this.id, operation: "query_order" };
    if ("outTradeNo" in q) assertEcho("out_trade_no", q.outTradeNo, wire.out_trade_no, echo);
    else assertEcho("transaction_id", q.providerTradeNo, wire.transaction_id, echo);
    assertEcho("sp_mchid", this.identity.spMchid, wire.sp_mchid, echo);
    assertEcho("sub_mchid", this.identity.subMchid, wire.sub_mchid, echo);
    assertEcho("sp_appid", this.identity.spAppid, wire.sp_appid, echo);
    if (this.identity.subAppid !== undefined)
      assertEcho("sub_appid", this.identity.subAppid, wire.sub_appid, echo);
    return fromV3Transaction(wire as V3Transaction, this.merchantId);
  }

  /** 关闭订单 (POST .../out-trade-no/{out_trade_no}/close with sp_mchid and sub_mchid, answered 204). */
  async closePayment(input: ClosePaymentInput): Promise<void> {
    const { outTradeNo } = parseInput(closePaymentSchema, input, "close");
    this.fieldRules.outTradeNo(outTradeNo, "close.outTradeNo");
    await closeOrRefusePaid(
      () =>
        this.session.call(
          "POST",
          `/v3/pay/partner/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`,
          {
            sp_mchid: this.identity.spMchid,
            sub_mchid: this.identity.subMchid,
          },
        ),
      () => this.queryPayment({ outTradeNo }),
      outTradeNo,
    );
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const r = parseInput(refundRequestSchema, request, "refund");
    const notifyUrl = this.session.config.notifyUrl;
    this.fieldRules.refund({ ...r, notifyUrl: r.notifyUrl ?? notifyUrl }, "refund");
    const body = toV3PartnerRefundBody(r, this.subMerchant, notifyUrl);
    const wire = ((await this.session.call("POST", "/v3/refund/domestic/refunds", body)) ?? {}) as V3Refund;
    const echo = { provider: this.id, operation: "refund" };
    assertEcho("out_refund_no", r.outRefundNo, wire.out_refund_no, echo);
    assertEcho("out_trade_no", r.outTradeNo, wire.out_trade_no, echo);
    if (r.providerTradeNo) assertEcho("transaction_id", r.providerTradeNo, wire.transaction_id, echo);
    assertRefundEcho(wire, { amountFen: r.amount.fen, totalFen: r.total.fen });
    return fromV3Refund(wire, this.merchantId);
  }

  /** 查询单笔退款 with sub_mchid (https://pay.weixin.qq.com/docs/partner/apis/partner-in-app-payment/query-by-out-refund-no.html). */
  async queryRefund(query: RefundQuery): Promise<RefundResult> {
    const q = parseInput(refundQuerySchema, query, "refundQuery");
    this.fieldRules.outTradeNo(q.outTradeNo, "refundQuery.outTradeNo");
    const path = `/v3/refund/domestic/refunds/${encodeURIComponent(q.outRefundNo)}?sub_mchid=${this.identity.subMchid}`;
    const wire = ((await this.session.call("GET", path)) ?? {}) as V3Refund;
    const echo = { provider: this.id, operation: "query_refund" };
    assertEcho("out_refund_no", q.outRefundNo, wire.out_refund_no, echo);
    assertEcho("out_trade_no", q.outTradeNo, wire.out_trade_no, echo);
    return fromV3Refund(wire, this.merchantId);
  }

  async listRefunds(query: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, query, "listRefunds");
    this.fieldRules.outTradeNo(q.outTradeNo, "listRefunds.outTradeNo");
    throw new UnsupportedOperationError(
      "WeChat Pay APIv3 cannot list the refunds of an order; query each refund by out_refund_no",
      { provider: this.id },
    );
  }

  parseNotification(raw: RawNotification): Promise<NotificationEvent> {
    const keys = this.session.keys;
    return parseV3Notification(raw, keys, keys.apiV3Secret, this.merchantId, {
      trade: (t) => assertPartnerTransactionIdentity(t as V3PartnerTransaction, this.identity),
      refund: (r) => assertPartnerRefundIdentity(r as V3PartnerRefundNotice, this.identity),
    });
  }

  /** As for a direct merchant: 200/204 with no body on success (https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/payment-notice.html). */
  acknowledge(ok: boolean): NotificationAck {
    return ok
      ? { status: 204, headers: {}, body: "" }
      : {
          status: 500,
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ code: "FAIL", message: "失败" }),
        };
  }
}

function answerString(data: unknown, key: string): string {
  const value = (data as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== "string" || value === "") {
    throw new ProviderError(`wechatpay partner answer has no ${key}`, { provider: "wechatpay" });
  }
  return value;
}
