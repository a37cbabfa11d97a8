import { randomBytes } from "node:crypto";
import {
  assertEcho,
  InvalidRequestError,
  PaymentError,
  parseInput,
  ValidationError,
} from "@paybridge/core/provider-kit";
import { z } from "zod";
import { type BillTable, readBillAnswer } from "./bill.js";
import { type CloudPayData, readEnvelope, unknownOutcome } from "./envelope.js";
import { CLOUDPAY_PROVIDER } from "./errors.js";
import { cloudPayTransformers } from "./lazy-transformers.js";
import type {
  CloudPayOrder,
  CloudPayPrepay,
  CloudPayRefundAccepted,
  CloudPayRefundInput,
  CloudPayRefundPage,
  CloudPayRefundRecord,
} from "./transformers.js";
import type {
  BillType,
  CloudPayApi,
  QueryRefundParams,
  RefundParams,
  UnifiedOrderParams,
} from "./wire-types.js";

/** CloudPay.queryRefund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html): "微信支付会返回offset及后面的10笔". */
export const REFUNDS_PER_PAGE = 10;

/** nonce_str: "随机字符串，不长于32位". 16 random bytes as 32 hex characters, fresh for every call. */
export function newNonceStr(): string {
  return randomBytes(16).toString("hex");
}

export interface CloudPayClientOptions {
  readonly subMchId: string;
  /** Defaults to 16 random bytes in hex; injectable so tests can see every call gets a fresh one. */
  readonly nonce?: () => string;
}

/** Keys of queryRefund; at least one. When several are given WeChat uses the first of this order. */
export const REFUND_QUERY_KEY_PRIORITY = [
  "refund_id",
  "out_refund_no",
  "transaction_id",
  "out_trade_no",
] as const;

const refundQueryInputSchema = z
  .strictObject({
    refundId: z.string().min(1).max(32).optional(),
    outRefundNo: z.string().min(1).max(64).optional(),
    transactionId: z.string().min(1).max(32).optional(),
    outTradeNo: z.string().min(1).max(32).optional(),
    offset: z
      .number()
      .int({ error: "must be an integer" })
      .nonnegative({ error: "must not be negative" })
      .optional(),
  })
  .refine(
    (q) =>
      q.refundId !== undefined ||
      q.outRefundNo !== undefined ||
      q.transactionId !== undefined ||
      q.outTradeNo !== undefined,
    { error: "give one of refundId, outRefundNo, transactionId, outTradeNo" },
  );
export type CloudPayRefundQueryInput = z.input<typeof refundQueryInputSchema>;

export type CloudPayOrderKey = { readonly outTradeNo: string } | { readonly transactionId: string };

/** `T` with every property that may be undefined made optional instead. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops undefined values, so the wire object holds only what the caller set. */
function defined<T extends Record<string, unknown>>(value: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as Defined<T>;
}

/**
 * Calls an injected `cloud.cloudPay` with the field names of the CloudPay docs, a fresh nonce_str
 * per call, and reads every answer through readEnvelope + the zod schemas of transformers.ts.
 * It holds no PayBridge semantics (unified states come from status-map.ts); the provider sits on it.
 */
export class CloudPayClient {
  private readonly nonce: () => string;
  /** Calls sent, for tests and diagnostics. */
  calls = 0;

  constructor(
    private readonly api: CloudPayApi,
    private readonly options: CloudPayClientOptions,
  ) {
    this.nonce = options.nonce ?? newNonceStr;
  }

  get subMchId(): string {
    return this.options.subMchId;
  }

  /**
   * A thrown call (network, SDK "cloudPay.refund:fail ...") may or may not have reached WeChat:
   * OutcomeUnknownError, so the caller queries before deciding.
   */
  private async invoke<M extends keyof CloudPayApi>(
    method: M,
    params: Parameters<CloudPayApi[M]>[0],
  ): Promise<unknown> {
    this.calls += 1;
    try {
      const fn = this.api[method] as (p: typeof params) => Promise<unknown>;
      return await fn.call(this.api, params);
    } catch (error) {
      if (error instanceof PaymentError) throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw unknownOutcome(method, `the call failed (${why})`, error);
    }
  }

  /** https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.unifiedOrder.html */
  async unifiedOrder(params: Omit<UnifiedOrderParams, "subMchId" | "nonceStr">): Promise<CloudPayPrepay> {
    const raw = await this.invoke(
      "unifiedOrder",
      defined({ ...params, subMchId: this.subMchId, nonceStr: this.nonce() }),
    );
    return (await cloudPayTransformers()).parseUnifiedOrderAnswer(readEnvelope("unifiedOrder", raw));
  }

  /** https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryOrder.html */
  async queryOrder(key: CloudPayOrderKey): Promise<CloudPayOrder> {
    const raw = await this.invoke("queryOrder", {
      sub_mch_id: this.subMchId,
      nonce_str: this.nonce(),
      ...("transactionId" in key ? { transaction_id: key.transactionId } : { out_trade_no: key.outTradeNo }),
    });
    const data = readEnvelope("queryOrder", raw);
    const order = (await cloudPayTransformers()).parseOrderAnswer(data);
    // The answer must be about the order asked for, of this sub-merchant (v2 订单查询 echoes
    // out_trade_no, transaction_id once paid, and sub_mch_id).
    const echo = { provider: CLOUDPAY_PROVIDER, operation: "queryOrder" };
    if ("outTradeNo" in key) assertEcho("out_trade_no", key.outTradeNo, order.outTradeNo, echo);
    else assertEcho("transaction_id", key.transactionId, order.transactionId, echo);
    this.assertSubMch(data, "queryOrder");
    return order;
  }

  /** https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.closeOrder.html */
  async closeOrder(outTradeNo: string): Promise<void> {
    const raw = await this.invoke("closeOrder", {
      sub_mch_id: this.subMchId,
      out_trade_no: outTradeNo,
      nonce_str: this.nonce(),
    });
    readEnvelope("closeOrder", raw);
  }

  /** CloudPay.refund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html). A SUCCESS answer means accepted; the outcome comes from queryRefund. */
  async refund(input: CloudPayRefundInput): Promise<CloudPayRefundAccepted> {
    if (input.transactionId === undefined && input.outTradeNo === undefined) {
      throw new ValidationError("refund.outTradeNo", "refund.outTradeNo: give outTradeNo or transactionId");
    }
    const params: RefundParams = defined({
      sub_mch_id: this.subMchId,
      nonce_str: this.nonce(),
      transaction_id: input.transactionId,
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      total_fee: input.totalFee,
      refund_fee: input.refundFee,
      refund_fee_type: input.refundFeeType,
      refund_desc: input.refundDesc,
      refund_account: input.refundAccount,
    });
    const raw = await this.invoke("refund", params);
    const data = readEnvelope("refund", raw);
    const accepted = (await cloudPayTransformers()).parseRefundAnswer(data);
    // CloudPay.refund's answer echoes out_refund_no, out_trade_no and transaction_id
    // (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html): an answer about another refund or order is never taken for this one.
    const echo = { provider: CLOUDPAY_PROVIDER, operation: "refund" };
    assertEcho("out_refund_no", input.outRefundNo, accepted.outRefundNo, echo);
    if (input.outTradeNo !== undefined)
      assertEcho("out_trade_no", input.outTradeNo, accepted.outTradeNo, echo);
    if (input.transactionId !== undefined)
      assertEcho("transaction_id", input.transactionId, accepted.transactionId, echo);
    this.assertSubMch(data, "refund");
    if (accepted.outRefundNo !== input.outRefundNo || accepted.refundFee !== input.refundFee) {
      throw unknownOutcome(
        "refund",
        `the answer is for refund ${accepted.outRefundNo} of ${accepted.refundFee} fen, asked ${input.outRefundNo} of ${input.refundFee} fen`,
      );
    }
    return accepted;
  }

  /**
   * CloudPay.queryRefund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html). Every key given is sent; WeChat applies the priority
   * refund_id > out_refund_no > transaction_id > out_trade_no. An offset past the order's
   * total_refund_count is PARAM_ERROR, rethrown with a message that says so.
   */
  async queryRefund(input: CloudPayRefundQueryInput): Promise<CloudPayRefundPage> {
    const q = parseInput(refundQueryInputSchema, input, "queryRefund");
    const params: QueryRefundParams = defined({
      sub_mch_id: this.subMchId,
      nonce_str: this.nonce(),
      refund_id: q.refundId,
      out_refund_no: q.outRefundNo,
      transaction_id: q.transactionId,
      out_trade_no: q.outTradeNo,
      offset: q.offset,
    });
    const raw = await this.invoke("queryRefund", params);
    try {
      const data = readEnvelope("queryRefund", raw);
      const page = (await cloudPayTransformers()).parseRefundQueryAnswer(data);
      // The page must be about the key WeChat answers for: the highest-priority one given
      // (refund_id > out_refund_no > transaction_id > out_trade_no,
      // https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html).
      const echo = { provider: CLOUDPAY_PROVIDER, operation: "queryRefund" };
      if (q.refundId !== undefined) {
        const ids = page.refunds.map((r) => r.refundId);
        if (!ids.includes(q.refundId)) assertEcho("refund_id_$n", q.refundId, ids, echo);
      } else if (q.outRefundNo !== undefined) {
        const nos = page.refunds.map((r) => r.outRefundNo);
        if (!nos.includes(q.outRefundNo)) assertEcho("out_refund_no_$n", q.outRefundNo, nos, echo);
      } else if (q.transactionId !== undefined) {
        assertEcho("transaction_id", q.transactionId, page.transactionId, echo);
      } else if (q.outTradeNo !== undefined) {
        assertEcho("out_trade_no", q.outTradeNo, page.outTradeNo, echo);
      }
      this.assertSubMch(data, "queryRefund");
      return page;
    } catch (error) {
      if (error instanceof PaymentError && error.providerCode === "PARAM_ERROR" && (q.offset ?? 0) > 0) {
        throw new InvalidRequestError(
          `${CLOUDPAY_PROVIDER} queryRefund: offset ${q.offset} is past the order's refunds (WeChat answers PARAM_ERROR when offset exceeds total_refund_count): ${error.providerMessage ?? ""}`,
          {
            provider: CLOUDPAY_PROVIDER,
            providerCode: "PARAM_ERROR",
            providerMessage: error.providerMessage,
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /**
   * Every refund of one order: offset 0, 10, 20, ... until total_refund_count refunds are read
   * (CloudPay.queryRefund paging). Passing offset from the first call makes WeChat return total_refund_count.
   */
  async listRefunds(key: CloudPayOrderKey): Promise<{
    readonly page: CloudPayRefundPage;
    readonly refunds: readonly CloudPayRefundRecord[];
  }> {
    const orderKey =
      "transactionId" in key ? { transactionId: key.transactionId } : { outTradeNo: key.outTradeNo };
    const refunds: CloudPayRefundRecord[] = [];
    const seen = new Set<string>();
    let first: CloudPayRefundPage | undefined;
    for (;;) {
      const page = await this.queryRefund({ ...orderKey, offset: refunds.length });
      first ??= page;
      const total = page.totalRefundCount;
      if (total === undefined) {
        throw unknownOutcome("queryRefund", "total_refund_count is missing although offset was passed");
      }
      for (const r of page.refunds) {
        if (seen.has(r.outRefundNo)) {
          throw unknownOutcome("queryRefund", `refund ${r.outRefundNo} came back twice while paging`);
        }
        seen.add(r.outRefundNo);
        refunds.push(r);
      }
      if (refunds.length >= total) return { page: first, refunds };
      if (page.refunds.length === 0) {
        throw unknownOutcome(
          "queryRefund",
          `offset ${refunds.length} returned no refunds although total_refund_count is ${total}`,
        );
      }
    }
  }

  /** sub_mch_id is echoed by every v2 answer; when present it must be this merchant's. */
  private assertSubMch(data: CloudPayData, operation: string): void {
    const echoed = data.sub_mch_id;
    assertEcho("sub_mch_id", this.subMchId, echoed === undefined ? undefined : String(echoed), {
      provider: CLOUDPAY_PROVIDER,
      operation,
      required: false,
    });
  }

  /** https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/open/pay/CloudPay.downloadBill.html */
  async downloadBill(input: { readonly billDate: string; readonly billType?: BillType }): Promise<BillTable> {
    const q = parseInput(
      z.strictObject({
        billDate: z.string().regex(/^\d{8}$/, { error: "must be yyyyMMdd, e.g. 20140603" }),
        billType: z.enum(["ALL", "SUCCESS", "REFUND"]).optional(),
      }),
      input,
      "downloadBill",
    );
    const raw = await this.invoke(
      "downloadBill",
      defined({
        sub_mch_id: this.subMchId,
        nonce_str: this.nonce(),
        bill_date: q.billDate,
        bill_type: q.billType,
      }),
    );
    return readBillAnswer(raw);
  }
}
