import { randomBytes } from "node:crypto";
import type {
  ClosePaymentInput,
  CreatePaymentInput,
  CreatePaymentResult,
  ListRefundsQuery,
  NotificationAck,
  NotificationEvent,
  PaymentProvider,
  ProviderCapabilities,
  RawNotification,
  RefundQuery,
  RefundRequest,
  RefundResult,
  TradeQuery,
  TradeResult,
} from "@paybridge/core";
import {
  assertEcho,
  closePaymentSchema,
  concealProvider,
  createPaymentSchema,
  listRefundsSchema,
  type ProviderContext,
  type ProviderFieldRules,
  parseInput,
  type RefundRules,
  refundQuerySchema,
  refundRequestSchema,
  runInPersonPayment,
  type ServiceProviderContext,
  type ServiceProviderSession,
  tradeQuerySchema,
  ValidationError,
  withPaymentRule,
} from "@paybridge/core/provider-kit";
import { WECHAT_REFUND_RULES } from "../shared/refund-rules.js";
import type { DownloadedBill, TradeBillRequest } from "./bills.js";
import { openV3Client, type V3Client } from "./client.js";
import { closeOrRefusePaid } from "./close.js";
import { type WechatPayV3Config, type WechatPayV3ConfigInput, wechatPayV3ConfigSchema } from "./config.js";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import { assertV3Method, v3FieldRules, v3MethodRule } from "./field-rules.js";
import { inPersonPaymentResult, tradeAfterReversal, WECHAT_IN_PERSON_SCHEDULE } from "./in-person.js";
import type { WechatPayKeyStore } from "./key-store.js";
import { parseV3Notification, v3Acknowledge } from "./notification.js";
import type {
  DecryptedBillPart,
  PartnerBillSession,
  SubMerchantFundFlowBillRequest,
} from "./partner-bills.js";
import type { WechatPaySubMerchant } from "./partner-config.js";
import {
  assertPartnerRefundIdentity,
  assertPartnerTransactionIdentity,
  type V3PartnerIdentity,
} from "./partner-identity.js";
import {
  toV3PartnerCodePayBody,
  toV3PartnerOrderBody,
  toV3PartnerRefundBody,
} from "./partner-transformers.js";
import {
  type V3PartnerCloseBody,
  type V3PartnerReverseBody,
  type V3PartnerTransaction,
  v3PartnerRefundNoticeSchema,
  v3PartnerReverseAnswerSchema,
  v3PartnerTransactionNoticeSchema,
  v3PartnerTransactionSchema,
} from "./partner-wire-types.js";
import { signPayLines } from "./pay-client.js";
import {
  fromV3Prepay,
  fromV3RefundAnswer,
  fromV3RefundQueryAnswer,
  fromV3Transaction,
  parseV3Answer,
} from "./transformers.js";
import { unsupportedListRefunds } from "./unsupported.js";
import { v3CodePayHeadSchema } from "./wire-types.js";

const PARTNER_CODEPAY = "POST /v3/pay/partner/transactions/codepay";
const PARTNER_REVERSE = "POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/reverse";

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
    concealProvider(Object.assign(this, { id: WECHAT_V3_PROVIDER, merchantId: context.serviceProviderId }));
  }

  get keys(): WechatPayKeyStore {
    return this.client.keys;
  }

  subMerchant(sub: WechatPaySubMerchant, context: ProviderContext): WechatPayPartnerProvider {
    return new WechatPayPartnerProvider(this, sub, context);
  }

  /** One signed partner call (the library has no partner endpoints; it signs, the transport sends and verifies). */
  async call(method: "GET" | "POST", path: string, body?: object): Promise<unknown> {
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

  /**
   * The trade bill of every sub-merchant of this service provider for one day (申请所有子商户交易账单:
   * GET /v3/bill/tradebill without sub_mchid). A sub-merchant's own bill is its provider's tradeBill.
   */
  async tradeBill(request: TradeBillRequest): Promise<DownloadedBill> {
    // Bill code loads on the first download: most processes never fetch a bill, and leaving its
    // modules out of the import keeps the cold import nearer the SDK's (docs/performance.md).
    const { partnerTradeBill } = await import("./partner-bills.js");
    return partnerTradeBill(this.billSession, undefined, request);
  }

  /** Signed GETs and the private key that partner bill downloads need (partner-bills.ts). */
  get billSession(): PartnerBillSession {
    return { call: (method, path) => this.call(method, path), merchantKey: this.client.merchantKey };
  }

  /** RSA-SHA256 with the service provider's key, base64: the paySign / sign of 调起支付. */
  sign(lines: readonly string[]): string {
    return signPayLines(this.client.merchantKey, lines);
  }
}

/**
 * One sub-merchant of a WeChat Pay service provider, as a PaymentProvider: every order, query,
 * close and refund names sp_mchid + sub_mchid and is signed with the service provider's key; an
 * answer or notification about another sub-merchant is refused.
 */
export class WechatPayPartnerProvider implements PaymentProvider {
  readonly id = WECHAT_V3_PROVIDER;
  readonly merchantId: string;
  readonly capabilities: ProviderCapabilities = {
    // barcode: 服务商付款码支付 (POST /v3/pay/partner/transactions/codepay) with 撤销.
    methods: ["jsapi", "mini_program", "native", "h5", "app", "barcode"],
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
  private readonly clock: ProviderContext["clock"];

  constructor(
    private readonly session: WechatPayPartnerSession,
    readonly subMerchant: WechatPaySubMerchant,
    context: ProviderContext,
  ) {
    this.merchantId = context.merchantId;
    this.clock = context.clock;
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

  /** The service provider this sub-merchant is called through (its keys, and its all-sub-merchants bill). */
  get serviceProvider(): WechatPayPartnerSession {
    return this.session;
  }

  private get ids() {
    return `sp_mchid=${this.identity.spMchid}&sub_mchid=${this.identity.subMchid}`;
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult> {
    const order = parseInput(createPaymentSchema, input, "payment");
    this.fieldRules.payment(order, "payment");
    if (order.method === "barcode") return this.payInPerson(order);
    assertV3Method(order);
    const body = toV3PartnerOrderBody(
      order,
      { spMchid: this.identity.spMchid, spAppid: this.identity.spAppid },
      this.subMerchant,
    );
    const channel = order.method === "mini_program" ? "jsapi" : order.method;
    const data = await this.session.call("POST", `/v3/pay/partner/transactions/${channel}`, body);
    // JSAPI调起支付 (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/jsapi-transfer-payment.html)
    // and APP调起支付 (https://pay.weixin.qq.com/docs/partner/apis/partner-in-app-payment/app-transfer-payment.html):
    // signed with the service provider's key, in the app the buyer pays in (the sub-merchant's when
    // the order names sub_appid, else the service provider's); partnerid is the sub-merchant.
    return fromV3Prepay(`POST /v3/pay/partner/transactions/${channel}`, data, {
      base: {
        provider: this.id,
        merchantId: this.merchantId,
        outTradeNo: order.outTradeNo,
        method: order.method,
      },
      appId: this.subMerchant.subAppid ?? this.identity.spAppid,
      partnerId: this.identity.subMchid,
      timeStamp: Math.floor(Date.now() / 1000).toString(),
      nonceStr: randomBytes(16).toString("hex"),
      sign: (lines) => this.session.sign(lines),
      returnUrl: order.returnUrl,
    });
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
    const wire = parseV3Answer(
      "outTradeNo" in q
        ? "GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}"
        : "GET /v3/pay/partner/transactions/id/{transaction_id}",
      v3PartnerTransactionSchema,
      await this.session.call("GET", path),
    );
    this.assertOwnTransaction(wire, q, "query_order");
    return fromV3Transaction(wire, this.merchantId);
  }

  /**
   * The answer is about the order asked for, of this sub-merchant of this service provider: the
   * order number (or transaction_id), sp_mchid, sub_mchid, sp_appid, and sub_appid when configured.
   */
  private assertOwnTransaction(wire: V3PartnerTransaction, q: TradeQuery, operation: string): void {
    const echo = { provider: this.id, operation };
    if ("outTradeNo" in q) assertEcho("out_trade_no", q.outTradeNo, wire.out_trade_no, echo);
    else assertEcho("transaction_id", q.providerTradeNo, wire.transaction_id, echo);
    assertEcho("sp_mchid", this.identity.spMchid, wire.sp_mchid, echo);
    assertEcho("sub_mchid", this.identity.subMchid, wire.sub_mchid, echo);
    assertEcho("sp_appid", this.identity.spAppid, wire.sp_appid, echo);
    if (this.identity.subAppid !== undefined)
      assertEcho("sub_appid", this.identity.subAppid, wire.sub_appid, echo);
  }

  /**
   * 服务商付款码支付 (POST /v3/pay/partner/transactions/codepay,
   * https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-code-pay.html)
   * for this sub-merchant, then the direct page's password-wait loop (WECHAT_IN_PERSON_SCHEDULE) with
   * the partner query and 撤销, on the injected clock: ends paid (3), reversed (1) or refused (2).
   * The answer is read as the partner 查询订单 transaction (sp_mchid, sub_mchid ...), or trade_state
   * USERPAYING alone while the buyer enters the password, as the direct codepay answers.
   */
  private async payInPerson(
    order: ReturnType<typeof createPaymentSchema.parse>,
  ): Promise<CreatePaymentResult> {
    const { outTradeNo, authCode } = order;
    // createPaymentSchema refuses a barcode payment without one; said again for the type.
    if (authCode === undefined)
      throw new ValidationError("payment.authCode", "payment.authCode: is required");
    const ids = { spMchid: this.identity.spMchid, spAppid: this.identity.spAppid };
    const base = { provider: this.id, merchantId: this.merchantId, outTradeNo };
    const trade = await runInPersonPayment(
      {
        order: { ...base, amount: order.amount },
        pay: async () => {
          const body = toV3PartnerCodePayBody(order, authCode, ids, this.subMerchant);
          const data = await this.session.call("POST", "/v3/pay/partner/transactions/codepay", body);
          const head = parseV3Answer(PARTNER_CODEPAY, v3CodePayHeadSchema, data);
          if (head.trade_state === "USERPAYING" && head.out_trade_no === undefined) {
            return { kind: "paying", rawStatus: "USERPAYING" };
          }
          const wire = parseV3Answer(PARTNER_CODEPAY, v3PartnerTransactionSchema, data);
          this.assertOwnTransaction(wire, { outTradeNo }, "codepay");
          return { kind: "settled", trade: fromV3Transaction(wire, this.merchantId) };
        },
        query: () => this.queryPayment({ outTradeNo }),
        reverse: () => this.reverseTrade(outTradeNo, order.amount),
      },
      WECHAT_IN_PERSON_SCHEDULE,
      this.clock,
    );
    return inPersonPaymentResult(base, trade);
  }

  /**
   * 服务商撤销 (https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-reverse.html)
   * of this sub-merchant's in-person payment: closes it if unpaid, refunds it in full if paid. Another
   * sub-merchant's order of that number is not found (ORDER_NOT_EXIST). Throws a retryable error
   * when its outcome is unknown: call it again.
   */
  async reversePayment(input: ClosePaymentInput): Promise<TradeResult> {
    const { outTradeNo } = parseInput(closePaymentSchema, input, "reverse");
    this.fieldRules.outTradeNo(outTradeNo, "reverse.outTradeNo");
    return this.reverseTrade(outTradeNo, undefined);
  }

  private async reverseTrade(
    outTradeNo: string,
    amount: TradeResult["amount"] | undefined,
  ): Promise<TradeResult> {
    const body: V3PartnerReverseBody = {
      sp_appid: this.identity.spAppid,
      sp_mchid: this.identity.spMchid,
      ...(this.identity.subAppid !== undefined ? { sub_appid: this.identity.subAppid } : {}),
      sub_mchid: this.identity.subMchid,
    };
    const data = await this.session.call(
      "POST",
      `/v3/pay/partner/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/reverse`,
      body,
    );
    const wire = parseV3Answer(PARTNER_REVERSE, v3PartnerReverseAnswerSchema, data);
    // 服务商撤销 应答: sp_mchid, sub_mchid and out_trade_no 必填; sp_appid and sub_appid 选填.
    const echo = { provider: this.id, operation: "reverse" };
    assertEcho("out_trade_no", outTradeNo, wire.out_trade_no, echo);
    assertEcho("sp_mchid", this.identity.spMchid, wire.sp_mchid, echo);
    assertEcho("sub_mchid", this.identity.subMchid, wire.sub_mchid, echo);
    assertEcho("sp_appid", this.identity.spAppid, wire.sp_appid, { ...echo, required: false });
    if (this.identity.subAppid !== undefined)
      assertEcho("sub_appid", this.identity.subAppid, wire.sub_appid, { ...echo, required: false });
    return tradeAfterReversal(() => this.queryPayment({ outTradeNo }), {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo,
      amount,
    });
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
          { sp_mchid: this.identity.spMchid, sub_mchid: this.identity.subMchid } satisfies V3PartnerCloseBody,
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
    return fromV3RefundAnswer(
      await this.session.call("POST", "/v3/refund/domestic/refunds", body),
      r,
      this.merchantId,
    );
  }

  /** 查询单笔退款 with sub_mchid (https://pay.weixin.qq.com/docs/partner/apis/partner-in-app-payment/query-by-out-refund-no.html). */
  async queryRefund(query: RefundQuery): Promise<RefundResult> {
    const q = parseInput(refundQuerySchema, query, "refundQuery");
    this.fieldRules.outTradeNo(q.outTradeNo, "refundQuery.outTradeNo");
    const path = `/v3/refund/domestic/refunds/${encodeURIComponent(q.outRefundNo)}?sub_mchid=${this.identity.subMchid}`;
    return fromV3RefundQueryAnswer(await this.session.call("GET", path), q, this.merchantId);
  }

  async listRefunds(query: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, query, "listRefunds");
    this.fieldRules.outTradeNo(q.outTradeNo, "listRefunds.outTradeNo");
    throw unsupportedListRefunds();
  }

  /**
   * This sub-merchant's trade bill of one day (GET /v3/bill/tradebill with sub_mchid): only its own
   * orders and refunds. Check and parse it as a direct merchant's (verifiedBillStream).
   */
  async tradeBill(request: TradeBillRequest): Promise<DownloadedBill> {
    const { partnerTradeBill } = await import("./partner-bills.js");
    return partnerTradeBill(this.session.billSession, this.identity.subMchid, request);
  }

  /**
   * This sub-merchant's fund-flow bill of one day and account (申请单个子商户资金账单), its parts
   * decrypted in bill_sequence order; each part is checked with verifiedBillStream like any WeChat
   * bill (verifiedBillParts in @paybridge/reconcile joins them).
   */
  async subMerchantFundFlowBill(request: SubMerchantFundFlowBillRequest): Promise<DecryptedBillPart[]> {
    const { subMerchantFundFlowBill } = await import("./partner-bills.js");
    return subMerchantFundFlowBill(this.session.billSession, this.identity.subMchid, request);
  }

  parseNotification(raw: RawNotification): Promise<NotificationEvent> {
    const keys = this.session.keys;
    return parseV3Notification(raw, keys, keys.apiV3Secret, this.merchantId, {
      trade: (resource, method) => {
        const t = parseV3Answer(method, v3PartnerTransactionNoticeSchema, resource);
        assertPartnerTransactionIdentity(t, this.identity);
        return t;
      },
      refund: (resource, method) => {
        const r = parseV3Answer(method, v3PartnerRefundNoticeSchema, resource);
        assertPartnerRefundIdentity(r, this.identity);
        return r;
      },
    });
  }

  /** As for a direct merchant: 200/204 with no body on success (https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/payment-notice.html). */
  acknowledge(ok: boolean): NotificationAck {
    return v3Acknowledge(ok);
  }
}
