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
  AnswerMismatchError,
  closePaymentSchema,
  concealProvider,
  createPaymentSchema,
  listRefundsSchema,
  NotFoundError,
  PaymentError,
  type ProviderContext,
  ProviderError,
  type ProviderFieldRules,
  parseInput,
  type RefundRules,
  rawNotificationSchema,
  refundQuerySchema,
  refundRequestSchema,
  TradeState,
  tradeQuerySchema,
  ValidationError,
  withPaymentRule,
} from "@paybridge/core/provider-kit";
import { wechatFieldRules } from "../shared/field-rules.js";
import { WECHAT_REFUND_RULES } from "../shared/refund-rules.js";
import { CloudPayClient } from "./client.js";
import {
  type WechatCloudPayConfig,
  type WechatCloudPayParsedConfig,
  wechatCloudPayConfigSchema,
} from "./config.js";
import { CLOUDPAY_PROVIDER } from "./errors.js";
import { cloudPayTransformers } from "./lazy-transformers.js";
import { cloudPayCallbackReply, readCallbackEvent, rejectCallback } from "./notification.js";
import type { CloudPayOrder } from "./transformers.js";

/**
 * WeChat Pay through CloudPay (`cloud.cloudPay` in a WeChat cloud function), mapped onto the
 * unified states. Shares the WeChat refund rules with the APIv3 provider; differs in the wire
 * (v2 field names, no signatures) and in listing: queryRefund pages through every refund.
 */
export class WechatCloudPayProvider implements PaymentProvider {
  static readonly id = CLOUDPAY_PROVIDER;
  static readonly configSchema = wechatCloudPayConfigSchema;

  readonly id = WechatCloudPayProvider.id;
  readonly merchantId: string;
  readonly capabilities: ProviderCapabilities = {
    // CloudPay serves mini programs (wx.requestPayment with the `payment` object).
    methods: ["mini_program"],
    listRefunds: true,
    partialRefund: true,
  };
  /** WeChat Pay's refund rules, written once for every transport (shared/refund-rules.ts). */
  readonly refundRules: RefundRules = WECHAT_REFUND_RULES;
  /**
   * v2 统一下单 rules, which CloudPay.unifiedOrder takes: out_trade_no "要求32个字符内，只能是数字、
   * 大小写字母_-|*" (no minimum), body String(128), refund_desc String(80); no notify_url (the
   * callback goes to a cloud function). https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=9_1
   */
  readonly fieldRules: ProviderFieldRules = withPaymentRule(
    wechatFieldRules({
      outTradeNo: {
        pattern: /^[0-9A-Za-z_\-|*]{1,32}$/,
        rule: "must be 1-32 characters of digits, letters and _-|* (CloudPay out_trade_no)",
      },
      descriptionMax: 128,
      oneToThreeByteOnly: false,
      reasonMaxBytes: 80,
      notifyUrl: undefined,
    }),
    cloudPayMethodRule,
  );
  readonly client: CloudPayClient;
  private readonly config: WechatCloudPayParsedConfig;

  constructor(
    config: WechatCloudPayConfig,
    private readonly context: ProviderContext,
  ) {
    this.config = parseInput(wechatCloudPayConfigSchema, config, "config");
    this.merchantId = context.merchantId;
    // Printed (util.inspect, JSON.stringify) as its id and merchant only, never its keys.
    concealProvider(this);
    this.client = new CloudPayClient(this.config.cloudPay, { subMchId: this.config.subMchId });
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult> {
    const p = parseInput(createPaymentSchema, input, "payment");
    this.fieldRules.payment(p, "payment");
    cloudPayMethodRule(p, "payment");
    const openid = p.payer?.openid;
    if (!openid)
      throw new ValidationError(
        "payment.payer.openid",
        "payment.payer.openid: is required by CloudPay JSAPI",
      );
    if (p.returnUrl) {
      this.context.logger.warn(
        { outTradeNo: p.outTradeNo },
        "CloudPay ignores returnUrl: mini programs pay in place",
      );
    }
    // notifyUrl is not sent: CloudPay calls the cloud function envId/functionName instead.
    const { toCloudPayOrderParams } = await cloudPayTransformers();
    const prepay = await this.client.unifiedOrder(toCloudPayOrderParams(p, openid, this.config));
    if (!prepay.payment) {
      throw new ProviderError(
        `${CLOUDPAY_PROVIDER} unifiedOrder returned no payment object for wx.requestPayment`,
        {
          provider: CLOUDPAY_PROVIDER,
        },
      );
    }
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: p.outTradeNo,
      method: p.method,
      providerReference: prepay.prepayId,
      action: { type: "client_params", params: prepay.payment },
    };
  }

  async queryPayment(query: TradeQuery): Promise<TradeResult> {
    const q = parseInput(tradeQuerySchema, query, "query");
    if ("outTradeNo" in q) this.fieldRules.outTradeNo(q.outTradeNo, "query.outTradeNo");
    const order = await this.client.queryOrder(
      "outTradeNo" in q ? { outTradeNo: q.outTradeNo } : { transactionId: q.providerTradeNo },
    );
    return (await cloudPayTransformers()).fromCloudPayOrder(order, this.merchantId);
  }

  async closePayment(input: ClosePaymentInput): Promise<void> {
    const p = parseInput(closePaymentSchema, input, "close");
    this.fieldRules.outTradeNo(p.outTradeNo, "close.outTradeNo");
    // v2 关闭订单 answers only result codes: nothing it could echo.
    await this.client.closeOrder(p.outTradeNo);
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const r = parseInput(refundRequestSchema, request, "refund");
    this.fieldRules.refund(r, "refund");
    // CloudPay.refund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html) has no amount.from nor goods_detail: refusing is safer than
    // silently refunding differently from what was asked.
    if (r.from)
      throw new ValidationError(
        "refund.from",
        "refund.from: CloudPay.refund has no amount.from (APIv3 only)",
      );
    if (r.goodsDetail) {
      throw new ValidationError(
        "refund.goodsDetail",
        "refund.goodsDetail: CloudPay.refund has no goods_detail (APIv3 only)",
      );
    }
    if (r.notifyUrl) {
      this.context.logger.warn(
        { outRefundNo: r.outRefundNo },
        "CloudPay.refund has no notify_url; poll queryRefund",
      );
    }
    const { toCloudPayRefundInput, fromCloudPayRefundAccepted } = await cloudPayTransformers();
    const accepted = await this.client.refund(toCloudPayRefundInput(r));
    // "SUCCESS退款申请接收成功，结果通过退款查询接口查询" (CloudPay.refund page): accepted; ask for its status.
    try {
      return await this.queryRefund({ outTradeNo: accepted.outTradeNo, outRefundNo: accepted.outRefundNo });
    } catch (error) {
      if (!(error instanceof PaymentError)) throw error;
      this.context.logger.warn(
        { outRefundNo: r.outRefundNo, error },
        "refund accepted; its status query failed",
      );
      return fromCloudPayRefundAccepted(accepted, this.merchantId);
    }
  }

  async queryRefund(query: RefundQuery): Promise<RefundResult> {
    const q = parseInput(refundQuerySchema, query, "refundQuery");
    this.fieldRules.outTradeNo(q.outTradeNo, "refundQuery.outTradeNo");
    // out_refund_no outranks out_trade_no in WeChat's key priority, so it alone is sent.
    const page = await this.client.queryRefund({ outRefundNo: q.outRefundNo });
    // An answer about another order, or one that does not list the refund asked for, is not an
    // answer about this refund (WeChat says "no such refund" with REFUNDNOTEXIST, not this way).
    if (page.outTradeNo !== q.outTradeNo) {
      throw new AnswerMismatchError("out_trade_no", q.outTradeNo, page.outTradeNo, {
        provider: CLOUDPAY_PROVIDER,
        operation: "queryRefund",
      });
    }
    const record = page.refunds.find((r) => r.outRefundNo === q.outRefundNo);
    if (!record) {
      throw new AnswerMismatchError(
        "out_refund_no_$n",
        q.outRefundNo,
        page.refunds.map((r) => r.outRefundNo),
        { provider: CLOUDPAY_PROVIDER, operation: "queryRefund" },
      );
    }
    return (await cloudPayTransformers()).fromCloudPayRefund(page.outTradeNo, record, this.merchantId);
  }

  async listRefunds(query: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, query, "listRefunds");
    this.fieldRules.outTradeNo(q.outTradeNo, "listRefunds.outTradeNo");
    try {
      const { page, refunds } = await this.client.listRefunds({ outTradeNo: q.outTradeNo });
      const { fromCloudPayRefund } = await cloudPayTransformers();
      return refunds.map((r) => fromCloudPayRefund(page.outTradeNo, r, this.merchantId));
    } catch (error) {
      // REFUNDNOTEXIST for an order key: "已支付未退款" (CloudPay.queryRefund page), i.e. no refunds yet.
      if (error instanceof PaymentError && error.providerCode === "REFUNDNOTEXIST") return [];
      throw error;
    }
  }

  async parseNotification(raw: RawNotification): Promise<NotificationEvent> {
    const n = parseInput(rawNotificationSchema, raw, "notification");
    const event = readCallbackEvent(n.body, this.config.subMchId);
    let order: CloudPayOrder;
    try {
      order = await this.client.queryOrder({ outTradeNo: event.outTradeNo });
    } catch (error) {
      if (error instanceof NotFoundError)
        throw rejectCallback(`order ${event.outTradeNo} does not exist`, error);
      throw error;
    }
    const { fromCloudPayOrder, fromCloudPayCallback } = await cloudPayTransformers();
    const known = fromCloudPayOrder(order, this.merchantId);
    const mismatch = [
      known.state !== TradeState.PAID && known.state !== TradeState.REFUND
        ? `trade_state ${order.tradeState}`
        : "",
      order.transactionId !== event.transactionId ? "transaction_id" : "",
      order.totalFee !== event.totalFee ? "total_fee" : "",
      event.cashFee !== undefined && order.cashFee !== undefined && order.cashFee !== event.cashFee
        ? "cash_fee"
        : "",
    ].filter(Boolean);
    if (mismatch.length > 0) {
      throw rejectCallback(`it disagrees with queryOrder on ${mismatch.join(", ")}`);
    }
    return {
      kind: "trade",
      id: event.transactionId,
      provider: this.id,
      merchantId: this.merchantId,
      eventType: "CLOUDPAY.PAY_SUCCESS",
      trade: fromCloudPayCallback(event, this.merchantId),
    };
  }

  /** The callback function returns `{ errcode, errmsg }`; this is that object as JSON. */
  acknowledge(ok: boolean): NotificationAck {
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(cloudPayCallbackReply(ok)),
    };
  }
}

/** CloudPay.unifiedOrder is JSAPI (mini-program) only; every other method is refused (part of the field rules). */
function cloudPayMethodRule(p: { method: string }, root: string): void {
  if (p.method !== "mini_program") {
    throw new ValidationError(
      `${root}.method`,
      `${root}.method: CloudPay supports mini_program, not ${p.method}`,
    );
  }
}
