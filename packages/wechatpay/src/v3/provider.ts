import type { KeyObject } from "node:crypto";
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
  type PaymentAction,
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
  runInPersonPayment,
  type ServiceProviderContext,
  type TradeQuery,
  type TradeResult,
  TradeState,
  tradeQuerySchema,
  UnsupportedOperationError,
  withPaymentRule,
} from "@paybridge/core";
import type Pay from "wechatpay-node-v3";
import { WECHAT_REFUND_RULES } from "../shared/refund-rules.js";
import {
  type DownloadedBill,
  downloadFundFlowBill,
  downloadTradeBill,
  type FundFlowBillRequest,
  type TradeBillRequest,
} from "./bills.js";
import { openV3Client, type V3Client } from "./client.js";
import { closeOrRefusePaid } from "./close.js";
import { type WechatPayV3Config, type WechatPayV3ConfigInput, wechatPayV3ConfigSchema } from "./config.js";
import { assertV3Method, v3DirectMethodRule, v3FieldRules } from "./field-rules.js";
import { WECHAT_IN_PERSON_SCHEDULE } from "./in-person.js";
import type { WechatPayKeyStore } from "./key-store.js";
import { parseV3Notification } from "./notification.js";
import { wechatNotifyUrlSchema } from "./notify-url.js";
import { wechatPaySubMerchantSchema } from "./partner-config.js";
import { WechatPayPartnerSession } from "./partner-provider.js";
import { decryptSensitiveField, encryptSensitiveField } from "./sensitive-fields.js";
import {
  assertRefundEcho,
  fromV3Refund,
  fromV3Transaction,
  toV3CodePayBody,
  toV3OrderBody,
  toV3RefundBody,
} from "./transformers.js";
import type { V3CodePayAnswer, V3Refund, V3ReverseAnswer, V3Transaction } from "./wire-types.js";

/** The library's signatures take loose objects; PayBridge builds them from typed transformers. */
type LibParams = Parameters<Pay["transactions_native"]>[0];
type LibRefundParams = Parameters<Pay["refunds"]>[0];

/**
 * WeChat Pay APIv3 through wechatpay-node-v3, one instance per merchant account. The library
 * builds and signs requests; PayBridge's transport routes them to the configured origin, verifies
 * every answer, keeps this merchant's keys to itself and throws typed errors.
 */
export class WechatPayProvider implements PaymentProvider {
  static readonly id = "wechatpay";
  static readonly configSchema = wechatPayV3ConfigSchema;
  /** WeChat's notify_url rule; RefundService checks every merchant's refund notify URL with it when built. */
  static readonly refundNotifyUrlSchema = wechatNotifyUrlSchema;
  /** Service-provider (服务商) mode: sub-merchants served through the partner APIs with the service provider's keys. */
  static readonly serviceProvider = {
    subMerchantSchema: wechatPaySubMerchantSchema,
    open: (config: WechatPayV3ConfigInput, context: ServiceProviderContext) =>
      new WechatPayPartnerSession(config, context),
  };

  readonly id = WechatPayProvider.id;
  readonly merchantId: string;
  readonly capabilities: ProviderCapabilities = {
    methods: ["jsapi", "mini_program", "native", "h5", "app", "barcode"],
    // APIv3 has no "every refund of an order" call; CloudPay's refundquery has.
    listRefunds: false,
    partialRefund: true,
  };
  /** WeChat Pay's refund rules, written once for every transport (shared/refund-rules.ts). */
  readonly refundRules: RefundRules = WECHAT_REFUND_RULES;

  readonly fieldRules: ProviderFieldRules;
  private readonly config: WechatPayV3Config;
  private readonly pay: V3Client["pay"];
  private readonly clock: ProviderContext["clock"];
  readonly keys: WechatPayKeyStore;
  private readonly merchantKey: KeyObject;

  constructor(config: WechatPayV3ConfigInput, context: ProviderContext) {
    this.config = parseInput(wechatPayV3ConfigSchema, config, "config");
    this.merchantId = context.merchantId;
    this.clock = context.clock;
    // Printed (util.inspect, JSON.stringify) as its id and merchant only, never its keys.
    concealProvider(this);
    this.fieldRules = withPaymentRule(v3FieldRules(this.config), v3DirectMethodRule);
    const client = openV3Client(this.config, context.clock, context.logger);
    this.merchantKey = client.merchantKey;
    this.keys = client.keys;
    this.pay = client.pay;
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult> {
    const order = parseInput(createPaymentSchema, input, "payment");
    this.fieldRules.payment(order, "payment");
    if (order.method === "barcode") return this.payInPerson(order);
    assertV3Method(order);
    const body = toV3OrderBody(order) as unknown as LibParams;
    const base = {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: order.outTradeNo,
      method: order.method,
    };
    switch (order.method) {
      case "jsapi":
      case "mini_program": {
        // The library answers with the ready-signed parameters for wx.requestPayment / WeixinJSBridge
        // (https://pay.weixin.qq.com/doc/v3/merchant/4012791857: appId, timeStamp, nonceStr, package, signType, paySign).
        const out = await this.pay.transactions_jsapi(body as Parameters<Pay["transactions_jsapi"]>[0]);
        const params = stringRecord(out.data, [
          "appId",
          "timeStamp",
          "nonceStr",
          "package",
          "signType",
          "paySign",
        ]);
        return {
          ...base,
          providerReference: params.package?.replace(/^prepay_id=/, ""),
          action: clientParams(params),
        };
      }
      case "app": {
        // App SDK parameters (https://pay.weixin.qq.com/doc/v3/merchant/4013070351): appid, partnerid, prepayid, package, noncestr, timestamp, sign.
        const out = await this.pay.transactions_app(body as Parameters<Pay["transactions_app"]>[0]);
        const params = stringRecord(out.data, [
          "appid",
          "partnerid",
          "prepayid",
          "package",
          "noncestr",
          "timestamp",
          "sign",
        ]);
        return { ...base, providerReference: params.prepayid, action: clientParams(params) };
      }
      case "native": {
        const out = await this.pay.transactions_native(body);
        const codeUrl = stringRecord(out.data, ["code_url"]).code_url ?? "";
        return { ...base, action: { type: "qr_code", content: codeUrl } };
      }
      case "h5": {
        const out = await this.pay.transactions_h5(body as Parameters<Pay["transactions_h5"]>[0]);
        const h5Url = stringRecord(out.data, ["h5_url"]).h5_url ?? "";
        const url = order.returnUrl ? `${h5Url}&redirect_url=${encodeURIComponent(order.returnUrl)}` : h5Url;
        return { ...base, action: { type: "redirect", url } };
      }
    }
  }

  async queryPayment(query: TradeQuery): Promise<TradeResult> {
    const q = parseInput(tradeQuerySchema, query, "query");
    if ("outTradeNo" in q) this.fieldRules.outTradeNo(q.outTradeNo, "query.outTradeNo");
    const out = await this.pay.query(
      "outTradeNo" in q ? { out_trade_no: q.outTradeNo } : { transaction_id: q.providerTradeNo },
    );
    const wire = (out.data ?? {}) as V3Transaction;
    // The answer must be about the order asked for, of this merchant and app (商户订单号查询订单
    // 应答: appid, mchid, out_trade_no 必填, https://pay.weixin.qq.com/doc/v3/merchant/4013070356).
    const echo = { provider: this.id, operation: "query_order" };
    if ("outTradeNo" in q) assertEcho("out_trade_no", q.outTradeNo, wire.out_trade_no, echo);
    else assertEcho("transaction_id", q.providerTradeNo, wire.transaction_id, echo);
    assertEcho("mchid", this.config.mchid, wire.mchid, echo);
    assertEcho("appid", this.config.appid, wire.appid, echo);
    return fromV3Transaction(wire, this.merchantId);
  }

  /** Close; a paid order's refusal becomes a TradeStateError (see closeOrRefusePaid). */
  async closePayment(input: ClosePaymentInput): Promise<void> {
    const { outTradeNo } = parseInput(closePaymentSchema, input, "close");
    this.fieldRules.outTradeNo(outTradeNo, "close.outTradeNo");
    // The close answer is 204 with no body: there is nothing it could echo.
    await closeOrRefusePaid(
      () => this.pay.close(outTradeNo),
      () => this.queryPayment({ outTradeNo }),
      outTradeNo,
    );
  }

  /**
   * 付款码支付 then, while the buyer enters a password, the page's query-and-reverse loop
   * (WECHAT_IN_PERSON_SCHEDULE) on the injected clock: ends paid (3), reversed (1) or refused (2).
   */
  private async payInPerson(
    order: ReturnType<typeof createPaymentSchema.parse>,
  ): Promise<CreatePaymentResult> {
    const outTradeNo = order.outTradeNo;
    const trade = await runInPersonPayment(
      {
        order: { provider: this.id, merchantId: this.merchantId, outTradeNo, amount: order.amount },
        pay: async () => {
          const out = await this.pay.codepay(toV3CodePayBody(order));
          const wire = (out.data ?? {}) as V3CodePayAnswer;
          if (wire.trade_state === "USERPAYING" && !("out_trade_no" in wire)) {
            return { kind: "paying", rawStatus: "USERPAYING" };
          }
          const transaction = wire as V3Transaction;
          const echo = { provider: this.id, operation: "codepay" };
          assertEcho("out_trade_no", outTradeNo, transaction.out_trade_no, echo);
          assertEcho("mchid", this.config.mchid, transaction.mchid, echo);
          assertEcho("appid", this.config.appid, transaction.appid, echo);
          return { kind: "settled", trade: fromV3Transaction(transaction, this.merchantId) };
        },
        query: () => this.queryPayment({ outTradeNo }),
        reverse: () => this.reverseTrade(outTradeNo, order.amount),
      },
      WECHAT_IN_PERSON_SCHEDULE,
      this.clock,
    );
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo,
      method: "barcode",
      ...(trade.providerTradeNo ? { providerReference: trade.providerTradeNo } : {}),
      action: { type: "in_person", trade },
    };
  }

  /**
   * 撤销 (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html) of an
   * in-person payment: closes it if unpaid, refunds it in full if paid; either way WeChat holds
   * nothing after it and the order is REVOKED (1). Throws a retryable error when its outcome is
   * unknown: call it again.
   */
  async reversePayment(input: ClosePaymentInput): Promise<TradeResult> {
    const { outTradeNo } = parseInput(closePaymentSchema, input, "reverse");
    this.fieldRules.outTradeNo(outTradeNo, "reverse.outTradeNo");
    return this.reverseTrade(outTradeNo, undefined);
  }

  private async reverseTrade(outTradeNo: string, amount: TradeResult["amount"]): Promise<TradeResult> {
    const out = await this.pay.reverse(outTradeNo);
    const wire = (out.data ?? {}) as V3ReverseAnswer;
    // 撤销 应答: mchid and out_trade_no 必填, appid 选填.
    const echo = { provider: this.id, operation: "reverse" };
    assertEcho("out_trade_no", outTradeNo, wire.out_trade_no, echo);
    assertEcho("mchid", this.config.mchid, wire.mchid, echo);
    assertEcho("appid", this.config.appid, wire.appid, { ...echo, required: false });
    // The answer carries no state: the order query says what the reversal left (REVOKED). When
    // that query fails, the reversal's own success stands: nothing is held after it.
    try {
      const after = await this.queryPayment({ outTradeNo });
      if (after.state !== TradeState.UNPAID) return after;
    } catch {
      // fall through to the reversal's answer
    }
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo,
      state: TradeState.CLOSED,
      rawStatus: "REVOKED",
      ...(amount ? { amount } : {}),
    };
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const r = parseInput(refundRequestSchema, request, "refund");
    this.fieldRules.refund({ ...r, notifyUrl: r.notifyUrl ?? this.config.notifyUrl }, "refund");
    const body = toV3RefundBody(r, this.config.notifyUrl) as unknown as LibRefundParams;
    const out = await this.pay.refunds(body);
    const wire = (out.data ?? {}) as V3Refund;
    // 退款申请 应答: out_refund_no and out_trade_no 必填; the answer must be about this refund.
    const echo = { provider: this.id, operation: "refund" };
    assertEcho("out_refund_no", r.outRefundNo, wire.out_refund_no, echo);
    assertEcho("out_trade_no", r.outTradeNo, wire.out_trade_no, echo);
    if (r.providerTradeNo) assertEcho("transaction_id", r.providerTradeNo, wire.transaction_id, echo);
    assertRefundEcho(wire, { amountFen: r.amount.fen, totalFen: r.total.fen });
    return fromV3Refund(wire, this.merchantId);
  }

  async queryRefund(query: RefundQuery): Promise<RefundResult> {
    const q = parseInput(refundQuerySchema, query, "refundQuery");
    this.fieldRules.outTradeNo(q.outTradeNo, "refundQuery.outTradeNo");
    const out = await this.pay.find_refunds(q.outRefundNo);
    const wire = (out.data ?? {}) as V3Refund;
    // 查询单笔退款 应答: out_refund_no and out_trade_no 必填. An answer for another refund or order is
    // never taken for this one (nor for "no such refund": it says nothing about this number).
    const echo = { provider: this.id, operation: "query_refund" };
    assertEcho("out_refund_no", q.outRefundNo, wire.out_refund_no, echo);
    assertEcho("out_trade_no", q.outTradeNo, wire.out_trade_no, echo);
    return fromV3Refund(wire, this.merchantId);
  }

  async listRefunds(query: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, query, "listRefunds");
    this.fieldRules.outTradeNo(q.outTradeNo, "listRefunds.outTradeNo");
    throw new UnsupportedOperationError(
      "WeChat Pay APIv3 cannot list the refunds of an order; query each refund by out_refund_no (or use CloudPay)",
      { provider: this.id },
    );
  }

  /**
   * The trade bill (交易账单) of one day: applied for, then downloaded as a stream. Check it while
   * parsing with `verifiedBillStream(bill.body, bill)` from @paybridge/reconcile.
   */
  tradeBill(request: TradeBillRequest): Promise<DownloadedBill> {
    return downloadTradeBill(this.pay, request);
  }

  /**
   * The fund-flow bill (资金账单) of one day and account (BASIC unless `accountType` says
   * OPERATION or FEES), as a stream. Check and parse it with `verifiedBillStream(bill.body, bill)`
   * and `parseWechatFundFlowBill` from @paybridge/reconcile.
   */
  fundFlowBill(request: FundFlowBillRequest): Promise<DownloadedBill> {
    return downloadFundFlowBill(this.pay, request);
  }

  /**
   * Encrypts sensitive fields (names, ID and bank numbers, phone numbers) for the APIs that take
   * them: transfers, profit-sharing receivers, partner onboarding. RSA-OAEP with the WeChat Pay
   * public key or the newest valid platform certificate; the request must carry `wechatpaySerial`
   * in its Wechatpay-Serial header, which this provider's own requests already do.
   */
  async encryptSensitive<K extends string>(
    fields: Readonly<Record<K, string>>,
  ): Promise<{ wechatpaySerial: string; fields: Record<K, string> }> {
    const { serial, key } = await this.keys.encryptionKey();
    const out = {} as Record<K, string>;
    for (const name of Object.keys(fields) as K[]) {
      out[name] = encryptSensitiveField(key, fields[name], `fields.${name}`);
    }
    return { wechatpaySerial: serial, fields: out };
  }

  /** Decrypts a field WeChat encrypted for this merchant (with its API certificate's public key). */
  decryptSensitive(ciphertext: string, field = "ciphertext"): string {
    return decryptSensitiveField(this.merchantKey, ciphertext, field);
  }

  parseNotification(raw: RawNotification): Promise<NotificationEvent> {
    return parseV3Notification(raw, this.keys, this.keys.apiV3Secret, this.merchantId, {
      mchid: this.config.mchid,
      appid: this.config.appid,
    });
  }

  /** WeChat wants 200/204 with no body on success; anything else makes it retry (https://pay.weixin.qq.com/doc/v3/merchant/4012791861). */
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

function clientParams(params: Record<string, string | undefined>): PaymentAction {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) clean[k] = v;
  return { type: "client_params", params: clean };
}

function stringRecord<K extends string>(data: unknown, keys: readonly K[]): Partial<Record<K, string>> {
  const source = (data ?? {}) as Record<string, unknown>;
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = source[k];
    if (typeof v === "string") out[k] = v;
  }
  if (Object.keys(out).length === 0) {
    throw new ProviderError(`wechatpay answered without ${keys.join(" / ")}`, { provider: "wechatpay" });
  }
  return out;
}
