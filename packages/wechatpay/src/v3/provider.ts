import { type KeyObject, randomBytes } from "node:crypto";
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
  tradeQuerySchema,
  ValidationError,
  withPaymentRule,
} from "@paybridge/core/provider-kit";
import { WECHAT_REFUND_RULES } from "../shared/refund-rules.js";
import type { DownloadedBill, FundFlowBillRequest, TradeBillRequest } from "./bills.js";
import { openV3Client, type V3Client } from "./client.js";
import { closeOrRefusePaid } from "./close.js";
import { type WechatPayV3Config, type WechatPayV3ConfigInput, wechatPayV3ConfigSchema } from "./config.js";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import { assertV3Method, v3FieldRules, v3MethodRule } from "./field-rules.js";
import type { V3Identity } from "./identity.js";
import { inPersonPaymentResult, tradeAfterReversal, WECHAT_IN_PERSON_SCHEDULE } from "./in-person.js";
import type { WechatPayKeyStore } from "./key-store.js";
import { parseV3Notification, v3Acknowledge } from "./notification.js";
import { wechatNotifyUrlSchema } from "./notify-url.js";
import { wechatPaySubMerchantSchema } from "./partner-config.js";
import { WechatPayPartnerSession } from "./partner-provider.js";
import { signPayLines } from "./pay-client.js";
import { decryptSensitiveField, encryptSensitiveField } from "./sensitive-fields.js";
import {
  fromV3Prepay,
  fromV3RefundAnswer,
  fromV3RefundQueryAnswer,
  fromV3Transaction,
  parseV3Answer,
  toV3CodePayBody,
  toV3OrderBody,
  toV3RefundBody,
} from "./transformers.js";
import { unsupportedListRefunds } from "./unsupported.js";
import {
  type V3Transaction,
  v3CodePayHeadSchema,
  v3ReverseAnswerSchema,
  v3TransactionSchema,
} from "./wire-types.js";

/**
 * WeChat Pay APIv3 through wechatpay-node-v3, one instance per merchant account. The library
 * builds and signs requests; PayBridge's transport routes them to the configured origin, verifies
 * every answer, keeps this merchant's keys to itself and throws typed errors.
 */
export class WechatPayProvider implements PaymentProvider {
  static readonly id = WECHAT_V3_PROVIDER;
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
  /** The mchid / appid every notification's resource must name, built once. */
  private readonly identity: V3Identity;

  constructor(config: WechatPayV3ConfigInput, context: ProviderContext) {
    this.config = parseInput(wechatPayV3ConfigSchema, config, "config");
    this.merchantId = context.merchantId;
    this.clock = context.clock;
    // Printed (util.inspect, JSON.stringify) as its id and merchant only, never its keys.
    concealProvider(this);
    this.fieldRules = withPaymentRule(v3FieldRules(this.config), v3MethodRule);
    const client = openV3Client(this.config, context.clock, context.logger);
    this.merchantKey = client.merchantKey;
    this.keys = client.keys;
    this.pay = client.pay;
    this.identity = { mchid: this.config.mchid, appid: this.config.appid };
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult> {
    const order = parseInput(createPaymentSchema, input, "payment");
    this.fieldRules.payment(order, "payment");
    if (order.method === "barcode") return this.payInPerson(order);
    assertV3Method(order);
    const channel = order.method === "mini_program" ? "jsapi" : order.method;
    const out = await this.pay.prepay(channel, toV3OrderBody(order));
    return fromV3Prepay(`POST /v3/pay/transactions/${channel}`, out.data, {
      base: {
        provider: this.id,
        merchantId: this.merchantId,
        outTradeNo: order.outTradeNo,
        method: order.method,
      },
      appId: this.config.appid,
      partnerId: this.config.mchid,
      timeStamp: Math.floor(Date.now() / 1000).toString(),
      nonceStr: randomBytes(16).toString("hex"),
      sign: (lines) => signPayLines(this.merchantKey, lines),
      returnUrl: order.returnUrl,
    });
  }

  async queryPayment(query: TradeQuery): Promise<TradeResult> {
    const q = parseInput(tradeQuerySchema, query, "query");
    if ("outTradeNo" in q) this.fieldRules.outTradeNo(q.outTradeNo, "query.outTradeNo");
    const out = await this.pay.query(
      "outTradeNo" in q ? { out_trade_no: q.outTradeNo } : { transaction_id: q.providerTradeNo },
    );
    const wire = parseV3Answer(queryMethod(q), v3TransactionSchema, out.data);
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
    const authCode = order.authCode;
    // createPaymentSchema refuses a barcode payment without one; said again for the type.
    if (authCode === undefined)
      throw new ValidationError("payment.authCode", "payment.authCode: is required");
    const trade = await runInPersonPayment(
      {
        order: { provider: this.id, merchantId: this.merchantId, outTradeNo, amount: order.amount },
        pay: async () => {
          const out = await this.pay.codepay(toV3CodePayBody(order, authCode));
          const head = parseV3Answer(CODEPAY, v3CodePayHeadSchema, out.data);
          if (head.trade_state === "USERPAYING" && head.out_trade_no === undefined) {
            return { kind: "paying", rawStatus: "USERPAYING" };
          }
          const transaction: V3Transaction = parseV3Answer(CODEPAY, v3TransactionSchema, out.data);
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
    return inPersonPaymentResult({ provider: this.id, merchantId: this.merchantId, outTradeNo }, trade);
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
    const wire = parseV3Answer(
      "POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse",
      v3ReverseAnswerSchema,
      out.data,
    );
    // 撤销 应答: mchid and out_trade_no 必填, appid 选填.
    const echo = { provider: this.id, operation: "reverse" };
    assertEcho("out_trade_no", outTradeNo, wire.out_trade_no, echo);
    assertEcho("mchid", this.config.mchid, wire.mchid, echo);
    assertEcho("appid", this.config.appid, wire.appid, { ...echo, required: false });
    return tradeAfterReversal(() => this.queryPayment({ outTradeNo }), {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo,
      amount,
    });
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const r = parseInput(refundRequestSchema, request, "refund");
    this.fieldRules.refund({ ...r, notifyUrl: r.notifyUrl ?? this.config.notifyUrl }, "refund");
    const out = await this.pay.refunds(toV3RefundBody(r, this.config.notifyUrl));
    return fromV3RefundAnswer(out.data, r, this.merchantId);
  }

  async queryRefund(query: RefundQuery): Promise<RefundResult> {
    const q = parseInput(refundQuerySchema, query, "refundQuery");
    this.fieldRules.outTradeNo(q.outTradeNo, "refundQuery.outTradeNo");
    const out = await this.pay.find_refunds(q.outRefundNo);
    return fromV3RefundQueryAnswer(out.data, q, this.merchantId);
  }

  async listRefunds(query: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, query, "listRefunds");
    this.fieldRules.outTradeNo(q.outTradeNo, "listRefunds.outTradeNo");
    throw unsupportedListRefunds(" (or use CloudPay)");
  }

  /**
   * The trade bill (交易账单) of one day: applied for, then downloaded as a stream. Check it while
   * parsing with `verifiedBillStream(bill.body, bill)` from @paybridge/reconcile.
   */
  async tradeBill(request: TradeBillRequest): Promise<DownloadedBill> {
    // Bill code loads on the first download: most processes never fetch a bill, and leaving its
    // modules out of the import keeps the cold import nearer the SDK's (docs/performance.md).
    const { downloadTradeBill } = await import("./bills.js");
    return downloadTradeBill(this.pay, request);
  }

  /**
   * The fund-flow bill (资金账单) of one day and account (BASIC unless `accountType` says
   * OPERATION or FEES), as a stream. Check and parse it with `verifiedBillStream(bill.body, bill)`
   * and `parseWechatFundFlowBill` from @paybridge/reconcile.
   */
  async fundFlowBill(request: FundFlowBillRequest): Promise<DownloadedBill> {
    const { downloadFundFlowBill } = await import("./bills.js");
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
    return parseV3Notification(raw, this.keys, this.keys.apiV3Secret, this.merchantId, this.identity);
  }

  /** WeChat wants 200/204 with no body on success; anything else makes it retry (https://pay.weixin.qq.com/doc/v3/merchant/4012791861). */
  acknowledge(ok: boolean): NotificationAck {
    return v3Acknowledge(ok);
  }
}

const CODEPAY = "POST /v3/pay/transactions/codepay";

function queryMethod(q: TradeQuery): string {
  return "outTradeNo" in q
    ? "GET /v3/pay/transactions/out-trade-no/{out_trade_no}"
    : "GET /v3/pay/transactions/id/{transaction_id}";
}
