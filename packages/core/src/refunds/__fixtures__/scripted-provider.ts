/**
 * A small in-memory PaymentProvider for the refund engine's unit tests ONLY. It exists to drive
 * exact fault sequences (an error on the 3rd call, a lost response after the refund was made)
 * that a simulator cannot be told to produce call by call. The cross-package tests in
 * packages/e2e run the same engine against the real WeChat and Alipay simulators.
 */
import { z } from "zod";
import { NotFoundError, OutcomeUnknownError, UnsupportedOperationError } from "../../errors/errors.js";
import { createProviderErrorFactory } from "../../errors/factory.js";
import { cny } from "../../money/money.js";
import type { PaymentProvider, ProviderContext } from "../../provider/contract.js";
import type { RefundRules } from "../../provider/refund-rules.js";
import type { NotificationAck } from "../../schemas/notification.js";
import type { TradeQuery, TradeResult } from "../../schemas/payment.js";
import type { RefundRequest, RefundResult } from "../../schemas/refund.js";
import { RefundState } from "../../states/refund-state.js";
import { TradeState } from "../../states/trade-state.js";

export type Fault =
  /** Answered with an error before anything happens (SYSTEM_ERROR, FREQUENCY_LIMITED, NOTENOUGH, ...). */
  | { readonly kind: "error"; readonly code: string }
  /** The refund is made, then the response is lost. */
  | { readonly kind: "lost" };

/** What the script shares with the test: faults to inject and what the "provider" holds. */
export class Script {
  readonly refundFaults: Fault[] = [];
  readonly queryFaults: Fault[] = [];
  readonly refunds = new Map<string, { outTradeNo: string; fen: number; state: RefundState }>();
  refundCalls = 0;
  queryCalls = 0;
  /** The state a new refund gets: 3 (PROCESSING) like WeChat v3, or 4 like Alipay. */
  acceptState: RefundState = RefundState.SUBMITTED;
  rules: RefundRules = {
    windowDays: 365,
    maxRefundsPerOrder: 50,
    minIntervalMs: 60_000,
    rateLimit: { successPerSecond: 150, failurePerSecond: 6 },
  };
  /** Added to every amount reported back, to play a provider that echoes a wrong amount. */
  amountSkew = 0;
  /** Called at each refund call, before any fault: lets a test look at the ledger at that moment. */
  onRefund: ((request: RefundRequest) => void | Promise<void>) | undefined;
}

const errors = createProviderErrorFactory("scripted", {
  SYSTEM_ERROR: { kind: "unavailable" },
  FREQUENCY_LIMITED: { kind: "rate_limited" },
  INVALID_REQ_TOO_MUCH: { kind: "rate_limited", retry: "throttle" },
  NOT_ENOUGH: { kind: "insufficient_funds" },
  RESOURCE_NOT_EXISTS: { kind: "not_found" },
  USER_ACCOUNT_ABNORMAL: { kind: "account_abnormal" },
  SIGN_ERROR: { kind: "signature" },
  NO_AUTH: { kind: "authorization" },
  MCH_NOT_EXISTS: { kind: "authorization" },
  PARAM_ERROR: { kind: "invalid_request" },
});

export class ScriptedProvider implements PaymentProvider {
  static readonly id = "scripted";
  static readonly configSchema = z.object({ script: z.instanceof(Script) });
  readonly id = "scripted";
  readonly merchantId: string;
  readonly capabilities = { methods: ["native"] as const, listRefunds: false, partialRefund: true };
  private readonly script: Script;

  constructor(config: { script: Script }, context: ProviderContext) {
    this.script = config.script;
    this.merchantId = context.merchantId;
  }

  get refundRules(): RefundRules {
    return this.script.rules;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    this.script.refundCalls += 1;
    await this.script.onRefund?.(request);
    const fault = this.script.refundFaults.shift();
    if (fault?.kind === "error") throw errors({ code: fault.code, message: "scripted" });
    const existing = this.script.refunds.get(request.outRefundNo);
    if (existing && existing.fen !== request.amount.fen) throw errors({ code: "PARAM_ERROR" });
    if (!existing) {
      this.script.refunds.set(request.outRefundNo, {
        outTradeNo: request.outTradeNo,
        fen: request.amount.fen,
        state: this.script.acceptState,
      });
    }
    if (fault?.kind === "lost")
      throw new OutcomeUnknownError("scripted: response lost", { provider: this.id });
    return this.result(request.outRefundNo);
  }

  async queryRefund(query: { outTradeNo: string; outRefundNo: string }): Promise<RefundResult> {
    this.script.queryCalls += 1;
    const fault = this.script.queryFaults.shift();
    if (fault?.kind === "error") throw errors({ code: fault.code, message: "scripted" });
    if (fault?.kind === "lost")
      throw new OutcomeUnknownError("scripted: response lost", { provider: this.id });
    if (!this.script.refunds.has(query.outRefundNo)) {
      throw errors({ code: "RESOURCE_NOT_EXISTS", message: query.outRefundNo });
    }
    return this.result(query.outRefundNo);
  }

  private result(outRefundNo: string): RefundResult {
    const r = this.script.refunds.get(outRefundNo);
    if (!r) throw new NotFoundError(outRefundNo);
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: r.outTradeNo,
      outRefundNo,
      state: r.state,
      rawStatus: r.state === RefundState.SUCCESS ? "SUCCESS" : "PROCESSING",
      amount: cny(r.fen + this.script.amountSkew),
    };
  }

  async createPayment(): Promise<never> {
    throw new UnsupportedOperationError("scripted provider: refunds only");
  }
  async queryPayment(query: TradeQuery): Promise<TradeResult> {
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: "outTradeNo" in query ? query.outTradeNo : query.providerTradeNo,
      state: TradeState.PAID,
      rawStatus: "SUCCESS",
      amount: cny(1000),
    };
  }
  async closePayment(): Promise<never> {
    throw new UnsupportedOperationError("scripted provider: refunds only");
  }
  async listRefunds(): Promise<never> {
    throw new UnsupportedOperationError("scripted provider: refunds only");
  }
  async parseNotification(): Promise<never> {
    throw new UnsupportedOperationError("scripted provider: refunds only");
  }
  acknowledge(ok: boolean): NotificationAck {
    return { status: ok ? 200 : 500, headers: {}, body: ok ? "ok" : "fail" };
  }
}
