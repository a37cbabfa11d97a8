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
  OutcomeUnknownError,
  type PaymentMethod,
  type ProviderContext,
  type ProviderFieldRules,
  ProviderUnavailableError,
  parseInput,
  type RefundRules,
  refundQuerySchema,
  refundRequestSchema,
  runInPersonPayment,
  type ServiceProviderContext,
  TradeState,
  tradeQuerySchema,
  UnsupportedOperationError,
  ValidationError,
  withPaymentRule,
} from "@paybridge/core/provider-kit";
import type { AlipayBillRequest, DownloadedAlipayBill } from "./bills.js";
import { AlipayGatewayClient, type AlipayGatewayClient as Client } from "./client.js";
import { type AlipayConfig, type AlipayConfigInput, alipayConfigSchema } from "./config.js";
import { ALIPAY_PROVIDER } from "./errors.js";
import { alipayFieldRules } from "./field-rules.js";
import type { AlipayIdentity } from "./identity.js";
import { ALIPAY_IN_PERSON_SCHEDULE, alipayBarcodeRule } from "./in-person.js";
import { alipaySubMerchantSchema } from "./isv-config.js";
import { type AlipayIsvBinding, AlipayIsvSession } from "./isv-session.js";
import { alipayAcknowledge, parseAlipayNotification } from "./notification.js";
import { RefundEvidence } from "./refund-evidence.js";
import {
  ALIPAY_METHODS,
  barcodeBizContent,
  isAlipayMethod,
  type MappingContext,
  PAY_APIS,
  payBizContent,
  refundBizContent,
  refundQueryBizContent,
  refundResultFromQuery,
  refundSplit,
  tradeResultFromQuery,
} from "./transformers.js";
import {
  cancelResponseSchema,
  closeResponseSchema,
  createResponseSchema,
  payResponseSchema,
  precreateResponseSchema,
  refundQueryResponseSchema,
  refundResponseSchema,
  type TradeRefBizContent,
  tradeQueryResponseSchema,
} from "./wire-types.js";

/** The unified methods Alipay does not take, refused with the reason (part of the field rules). */
function alipayMethodRule(
  input: { method: PaymentMethod; authCode?: string | undefined },
  root: string,
): void {
  alipayBarcodeRule(input, root);
  if (isAlipayMethod(input.method) || input.method === "barcode") return;
  throw new ValidationError(
    `${root}.method`,
    `${root}.method: ${input.method} is a WeChat method; Alipay supports ${[...ALIPAY_METHODS, "barcode"].join(", ")}`,
  );
}

export interface CancelPaymentResult {
  readonly outTradeNo: string;
  readonly providerTradeNo: string | undefined;
  /** close: the unpaid trade was closed; refund: the paid trade was refunded in full; no_refund: nothing to refund. */
  readonly action: string;
}

/**
 * Alipay on alipay-sdk v4 (OpenAPI 2.0 gateway). One instance per merchant app. Every input is
 * validated before any call; every gateway answer is signature-checked; yuan strings exist only
 * in transformers.ts; errors leave as PaymentError subclasses by sub_code.
 */
export class AlipayProvider implements PaymentProvider {
  static readonly id = ALIPAY_PROVIDER;
  static readonly configSchema = alipayConfigSchema;
  /** ISV mode: merchants that authorised this app, each called with its app_auth_token (see isv-session.ts). */
  static readonly serviceProvider = {
    subMerchantSchema: alipaySubMerchantSchema,
    open: (config: AlipayConfigInput, context: ServiceProviderContext) =>
      new AlipayIsvSession(config, context, (c, ctx, binding) => new AlipayProvider(c, ctx, binding)),
  };

  readonly id = AlipayProvider.id;
  readonly merchantId: string;
  readonly capabilities: ProviderCapabilities = {
    // barcode: 当面付 条码支付 (alipay.trade.pay scene bar_code) with alipay.trade.cancel.
    methods: [...ALIPAY_METHODS, "barcode"],
    // Alipay has no API that lists an order's refunds; each is queried by its out_request_no.
    listRefunds: false,
    partialRefund: true,
  };
  readonly refundRules: RefundRules;
  readonly fieldRules: ProviderFieldRules = withPaymentRule(alipayFieldRules, alipayMethodRule);
  private readonly config: AlipayConfig;
  private readonly client: Client;
  private readonly evidence = new RefundEvidence();
  private readonly mapping: MappingContext;
  /** Who notifications must be about: this app and seller, and for an ISV the authorising merchant. */
  private readonly identity: AlipayIdentity;

  /**
   * `isv`: this instance acts for a merchant that authorised the app (an ISV's sub-merchant): the
   * ISV's shared client, every call carrying the merchant's app_auth_token.
   */
  constructor(
    config: AlipayConfigInput,
    private readonly context: ProviderContext,
    isv?: AlipayIsvBinding,
  ) {
    this.config = parseInput(alipayConfigSchema, config, "config");
    this.client = isv
      ? isv.client.authorizedBy(isv.subMerchant.appAuthToken)
      : new AlipayGatewayClient(this.config, context.clock);
    this.identity = isv
      ? {
          appId: this.config.appId,
          sellerIds: isv.subMerchant.sellerId,
          authAppId: isv.subMerchant.authAppId,
        }
      : { appId: this.config.appId, sellerIds: this.config.sellerId };
    if (isv) this.capabilities = { ...this.capabilities, modes: ["service_provider"] };
    this.merchantId = context.merchantId;
    // Printed (util.inspect, JSON.stringify) as its id and merchant only, never its keys.
    concealProvider(this);
    this.mapping = { provider: AlipayProvider.id, merchantId: context.merchantId };
    this.refundRules = {
      windowDays: this.config.refundWindowDays,
      // Alipay sets no per-order refund count or interval; the sum rule is enforced by the gateway.
      maxRefundsPerOrder: undefined,
      minIntervalMs: 0,
      rateLimit: undefined,
      // alipay.trade.fastpay.refund.query (https://opendocs.alipay.com/open/02ekfl): query a
      // refund no sooner than 10 s after the refund request; the engine waits that long before
      // the query that decides whether to resend the same out_request_no.
      resubmitAfterMs: 10_000,
    };
  }

  /** The SNs sent in certificate mode (app_cert_sn, alipay_root_cert_sn) and Alipay's certificate SN. */
  get certificateSerials() {
    return this.client.certificateSerials;
  }

  /**
   * Certificate mode: the Alipay certificate SNs held now (the configured one first, then those
   * downloaded after a rotation) and how many downloads were started. Undefined in public-key mode.
   */
  get alipayCertificates(): { readonly held: readonly string[]; readonly downloads: number } | undefined {
    const store = this.client.certificates;
    return store ? { held: store.sns, downloads: store.downloads } : undefined;
  }

  async createPayment(raw: CreatePaymentInput): Promise<CreatePaymentResult> {
    const input = parseInput(createPaymentSchema, raw, "payment");
    this.fieldRules.payment(input, "payment");
    if (input.method === "barcode") return this.payInPerson(input);
    const method = input.method;
    if (!isAlipayMethod(method)) {
      alipayMethodRule(input, "payment");
      throw new ValidationError("payment.method", `payment.method: ${method} is not an Alipay method`);
    }
    const api = PAY_APIS[method].method;
    const biz = payBizContent(input, method);
    const base = { provider: this.id, merchantId: this.merchantId, outTradeNo: input.outTradeNo, method };
    switch (method) {
      case "native": {
        const answer = await this.client.exec(api, biz, precreateResponseSchema, {
          notifyUrl: input.notifyUrl,
        });
        // out_trade_no is 必填 in the precreate answer: it must be the order asked for.
        assertEcho("out_trade_no", input.outTradeNo, answer.out_trade_no, {
          provider: this.id,
          operation: api,
        });
        return { ...base, action: { type: "qr_code", content: answer.qr_code } };
      }
      case "mini_program": {
        const answer = await this.client.exec(api, biz, createResponseSchema, { notifyUrl: input.notifyUrl });
        assertEcho("out_trade_no", input.outTradeNo, answer.out_trade_no, {
          provider: this.id,
          operation: api,
        });
        // The mini-program pays with my.tradePay({ tradeNO }).
        return {
          ...base,
          providerReference: answer.trade_no,
          action: { type: "client_params", params: { tradeNO: answer.trade_no } },
        };
      }
      case "page":
      case "h5": {
        const extra = { notifyUrl: input.notifyUrl, returnUrl: input.returnUrl };
        if (this.config.pageAction === "html_form") {
          return {
            ...base,
            action: { type: "html_form", html: this.client.pagePay(api, biz, extra, "POST") },
          };
        }
        return { ...base, action: { type: "redirect", url: this.client.pagePay(api, biz, extra, "GET") } };
      }
      case "app":
        return {
          ...base,
          action: {
            type: "order_string",
            value: this.client.orderString(api, biz, { notifyUrl: input.notifyUrl }),
          },
        };
    }
  }

  /** alipay.trade.query, https://opendocs.alipay.com/open/02ekfh */
  async queryPayment(raw: TradeQuery): Promise<TradeResult> {
    const query = parseInput(tradeQuerySchema, raw, "query");
    if ("outTradeNo" in query) this.fieldRules.outTradeNo(query.outTradeNo, "query.outTradeNo");
    const biz: TradeRefBizContent =
      "outTradeNo" in query ? { out_trade_no: query.outTradeNo } : { trade_no: query.providerTradeNo };
    const answer = await this.client.exec("alipay.trade.query", biz, tradeQueryResponseSchema);
    // trade_no and out_trade_no are 必填 in the answer; Alipay answers carry no app_id, the app is
    // proven by the signature checked with this app's Alipay key.
    const echo = { provider: this.id, operation: "alipay.trade.query" };
    if ("outTradeNo" in query) assertEcho("out_trade_no", query.outTradeNo, answer.out_trade_no, echo);
    else assertEcho("trade_no", query.providerTradeNo, answer.trade_no, echo);
    return tradeResultFromQuery(answer, this.mapping, (no) => this.evidence.refundedFen(no));
  }

  /** alipay.trade.close, https://opendocs.alipay.com/open/02o6e7: only a trade awaiting payment closes. */
  async closePayment(raw: ClosePaymentInput): Promise<void> {
    const input = parseInput(closePaymentSchema, raw, "close");
    this.fieldRules.outTradeNo(input.outTradeNo, "close.outTradeNo");
    const answer = await this.client.exec(
      "alipay.trade.close",
      { out_trade_no: input.outTradeNo },
      closeResponseSchema,
    );
    // out_trade_no is 选填 in the close answer; when it is there it must be this order.
    assertEcho("out_trade_no", input.outTradeNo, answer.out_trade_no, {
      provider: this.id,
      operation: "alipay.trade.close",
      required: false,
    });
  }

  /**
   * alipay.trade.cancel, https://opendocs.alipay.com/open/02ekfi: for a payment whose outcome is
   * unknown; closes it if unpaid, refunds it in full if paid. retry_flag Y means call again.
   */
  async cancelPayment(raw: ClosePaymentInput): Promise<CancelPaymentResult> {
    const input = parseInput(closePaymentSchema, raw, "cancel");
    this.fieldRules.outTradeNo(input.outTradeNo, "cancel.outTradeNo");
    const answer = await this.client.exec(
      "alipay.trade.cancel",
      { out_trade_no: input.outTradeNo },
      cancelResponseSchema,
    );
    assertEcho("out_trade_no", input.outTradeNo, answer.out_trade_no, {
      provider: this.id,
      operation: "alipay.trade.cancel",
      required: false,
    });
    if (answer.retry_flag === "Y") {
      throw new ProviderUnavailableError("alipay cancel answered retry_flag Y: cancel again", {
        provider: ALIPAY_PROVIDER,
      });
    }
    return {
      outTradeNo: input.outTradeNo,
      providerTradeNo: answer.trade_no,
      action: answer.action ?? "",
    };
  }

  /**
   * 当面付 条码支付: alipay.trade.pay scene bar_code, then while the buyer confirms on the phone
   * (10003) the query-and-cancel loop (ALIPAY_IN_PERSON_SCHEDULE) on the injected clock: ends paid
   * (3), cancelled (1, or 4 when the cancel refunded a payment made at the last moment) or refused (2).
   */
  private async payInPerson(
    order: ReturnType<typeof createPaymentSchema.parse>,
  ): Promise<CreatePaymentResult> {
    const outTradeNo = order.outTradeNo;
    const api = "alipay.trade.pay";
    const trade = await runInPersonPayment(
      {
        order: { provider: this.id, merchantId: this.merchantId, outTradeNo, amount: order.amount },
        pay: async () => {
          const answer = await this.client.exec(api, barcodeBizContent(order), payResponseSchema, {
            notifyUrl: order.notifyUrl,
            acceptCodes: ["10003"],
          });
          assertEcho("out_trade_no", outTradeNo, answer.out_trade_no, { provider: this.id, operation: api });
          if (answer.code === "10003") return { kind: "paying", rawStatus: "WAIT_BUYER_PAY" };
          // 10000 is 支付成功: the trade is TRADE_SUCCESS, paid at gmt_payment.
          const paid = tradeResultFromQuery(
            {
              ...answer,
              trade_status: "TRADE_SUCCESS",
              ...(answer.gmt_payment ? { send_pay_date: answer.gmt_payment } : {}),
            },
            this.mapping,
            (no) => this.evidence.refundedFen(no),
          );
          return { kind: "settled", trade: paid.paidAt ? paid : { ...paid, paidAt: this.context.clock() } };
        },
        query: () => this.queryPayment({ outTradeNo }),
        reverse: () => this.cancelTrade(outTradeNo, order.amount),
      },
      ALIPAY_IN_PERSON_SCHEDULE,
      this.context.clock,
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
   * The in-person reversal: alipay.trade.cancel (https://opendocs.alipay.com/open/02ekfi) closes an
   * unpaid trade (action close) and refunds a paid one in full (action refund). Resolves with the
   * trade as it ends: 1 closed, or 4 refunded. retry_flag Y throws a retryable error: cancel again.
   */
  async reversePayment(raw: ClosePaymentInput): Promise<TradeResult> {
    const input = parseInput(closePaymentSchema, raw, "reverse");
    this.fieldRules.outTradeNo(input.outTradeNo, "reverse.outTradeNo");
    return this.cancelTrade(input.outTradeNo, undefined);
  }

  private async cancelTrade(
    outTradeNo: string,
    amount: TradeResult["amount"] | undefined,
  ): Promise<TradeResult> {
    const cancelled = await this.cancelPayment({ outTradeNo });
    // The query says what the cancel left (TRADE_CLOSED, with send_pay_date when it refunded).
    // When that query fails (or answers ACQ.TRADE_NOT_EXIST after a cancel answered without an
    // action), the cancel's own answer stands: Alipay holds nothing after it.
    try {
      const after = await this.queryPayment({ outTradeNo });
      if (after.state !== TradeState.UNPAID) return after;
    } catch {
      // fall through to the cancel's answer
    }
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo,
      ...(cancelled.providerTradeNo ? { providerTradeNo: cancelled.providerTradeNo } : {}),
      state: cancelled.action === "refund" ? TradeState.REFUND : TradeState.CLOSED,
      // No action: "未查询到交易" (the page's action field) — Alipay never created the trade, and the
      // cancel leaves nothing payable under the number: closed (1).
      rawStatus: cancelled.action
        ? `TRADE_CLOSED (cancel ${cancelled.action})`
        : "TRADE_NOT_EXIST (cancelled, no trade)",
      ...(amount ? { amount } : {}),
    };
  }

  /**
   * alipay.trade.refund, https://opendocs.alipay.com/open/02ekfk. Synchronous: fund_change Y is a
   * refund done (4). N (or none) means no money moved in this call, typically a repeat of the same
   * out_request_no: the docs say to confirm with the refund query, which this does.
   */
  async refund(raw: RefundRequest): Promise<RefundResult> {
    const request = parseInput(refundRequestSchema, raw, "refund");
    this.fieldRules.refund(request, "refund");
    for (const field of ["fundsAccount", "from", "goodsDetail"] as const) {
      if (request[field] !== undefined) {
        throw new ValidationError(
          `refund.${field}`,
          `refund.${field}: is a WeChat Pay field; Alipay refunds do not take it`,
        );
      }
    }
    // A 10000 answer without the shape the page gives (fund_change, refund_fee ...) is an
    // UnexpectedAnswerError, an outcome unknown: the refund stays open until a query decides it.
    const answer = await this.client.exec(
      "alipay.trade.refund",
      refundBizContent(request),
      refundResponseSchema,
    );
    // The refund answer echoes out_trade_no (必填) and trade_no, not out_request_no.
    const echo = { provider: this.id, operation: "alipay.trade.refund" };
    assertEcho("out_trade_no", request.outTradeNo, answer.out_trade_no, echo);
    if (request.providerTradeNo) assertEcho("trade_no", request.providerTradeNo, answer.trade_no, echo);
    this.evidence.note(request.outTradeNo, answer.refund_fee);
    if (answer.fund_change !== "Y") {
      // The refund call itself was answered (10000); only the query says whether it is done. An
      // error of that query is not the refund being refused (a balance error there would read as
      // ACQ.SELLER_BALANCE_NOT_ENOUGH and close a refund Alipay holds): the outcome is unknown.
      try {
        return await this.queryRefund({ outTradeNo: request.outTradeNo, outRefundNo: request.outRefundNo });
      } catch (caught) {
        throw new OutcomeUnknownError(
          `alipay answered refund ${request.outRefundNo} with fund_change N; the refund query that confirms it failed: ${caught instanceof Error ? caught.message : String(caught)}`,
          { provider: ALIPAY_PROVIDER, cause: caught },
        );
      }
    }
    this.evidence.note(
      request.outTradeNo,
      Math.max(request.amount.fen, this.evidence.refundedFen(request.outTradeNo)),
    );
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: request.outTradeNo,
      outRefundNo: request.outRefundNo,
      providerRefundId: answer.trade_no,
      state: 4,
      rawStatus: "fund_change=Y",
      amount: request.amount,
      ...refundSplit(answer),
      successAt: this.context.clock(),
    };
  }

  /**
   * alipay.trade.fastpay.refund.query, https://opendocs.alipay.com/open/02ekfl: refund_status
   * REFUND_SUCCESS -> 4; anything else -> 2 (not refunded yet), unless legacyRefundQuery.
   */
  /**
   * A day's bill (trade by default): the download URL applied for, then the zip as a stream. Save
   * it and read its detail CSV with `openAlipayBillCsv` / `parseAlipayTradeBill` from
   * @paybridge/reconcile.
   */
  async tradeBill(request: AlipayBillRequest): Promise<DownloadedAlipayBill> {
    // Bill code loads on the first download: most processes never fetch a bill, and leaving its
    // modules out of the import keeps the cold import nearer the SDK's (docs/performance.md).
    const { downloadAlipayBill } = await import("./bills.js");
    return downloadAlipayBill(this.client, request, this.config.timeoutMs);
  }

  /**
   * The fund bill (bill_type signcustomer, 账务明细: movements of the seller's balance) of one day,
   * as the zip stream; open it with `openAlipayBillCsv(zip, "signcustomer")` and parse it with
   * `parseAlipayFundBill` from @paybridge/reconcile.
   */
  async fundFlowBill(request: Omit<AlipayBillRequest, "billType">): Promise<DownloadedAlipayBill> {
    const { downloadAlipayBill } = await import("./bills.js");
    return downloadAlipayBill(this.client, { ...request, billType: "signcustomer" }, this.config.timeoutMs);
  }

  async queryRefund(raw: RefundQuery): Promise<RefundResult> {
    const query = parseInput(refundQuerySchema, raw, "refundQuery");
    this.fieldRules.outTradeNo(query.outTradeNo, "refundQuery.outTradeNo");
    const answer = await this.client.exec(
      "alipay.trade.fastpay.refund.query",
      refundQueryBizContent(query),
      refundQueryResponseSchema,
    );
    // out_trade_no and out_request_no are 选填 in the answer (absent when nothing was refunded
    // under the number); when they are there they must be the ones asked for. A refund amount with
    // no out_request_no to say whose it is is not taken for this refund either.
    const echo = { provider: this.id, operation: "alipay.trade.fastpay.refund.query" };
    assertEcho("out_trade_no", query.outTradeNo, answer.out_trade_no, { ...echo, required: false });
    assertEcho("out_request_no", query.outRefundNo, answer.out_request_no, {
      ...echo,
      required: answer.refund_amount !== undefined || answer.refund_status !== undefined,
    });
    const result = refundResultFromQuery(answer, query, this.mapping, {
      legacy: this.config.legacyRefundQuery,
    });
    if (result.state === 4)
      this.evidence.note(
        query.outTradeNo,
        Math.max(result.amount.fen, this.evidence.refundedFen(query.outTradeNo)),
      );
    return result;
  }

  async listRefunds(raw: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, raw, "listRefunds");
    this.fieldRules.outTradeNo(q.outTradeNo, "listRefunds.outTradeNo");
    throw new UnsupportedOperationError(
      "alipay has no API listing an order's refunds; query each refund by its out_request_no (queryRefund)",
      { provider: ALIPAY_PROVIDER },
    );
  }

  async parseNotification(raw: RawNotification): Promise<NotificationEvent> {
    return parseAlipayNotification(raw, this.client, this.identity, this.mapping, this.evidence);
  }

  acknowledge(ok: boolean): NotificationAck {
    return alipayAcknowledge(ok);
  }
}
