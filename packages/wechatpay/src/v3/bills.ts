import type { Readable } from "node:stream";
import { ProviderError, parseInput } from "@paybridge/core";
import type Pay from "wechatpay-node-v3";
import { z } from "zod";

/**
 * 申请交易账单 (GET /v3/bill/tradebill, https://pay.weixin.qq.com/doc/v3/merchant/4012556654):
 * yesterday's bill exists after 10:00 Beijing time, the last three months are served. The answer
 * (signed, verified like every answer) names a download_url and the SHA1 of the uncompressed file.
 */
export const tradeBillRequestSchema = z.strictObject({
  billDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date yyyy-MM-dd (Beijing time)" })
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00+08:00`)), {
      error: "must be a real calendar date",
    }),
  billType: z.enum(["ALL", "SUCCESS", "REFUND"]).default("ALL"),
  /** Ask for the file gzip-compressed (tar_type GZIP): smaller on the wire; the hash covers the plain file. */
  gzip: z.boolean().default(true),
});

export type TradeBillRequest = z.input<typeof tradeBillRequestSchema>;

/**
 * 申请资金账单 (GET /v3/bill/fundflowbill, https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-fund-bill.html):
 * one account's money movements of a day (BASIC by default, OPERATION, FEES), with the same
 * hash check, gzip and download as the trade bill.
 */
export const fundFlowBillRequestSchema = z.strictObject({
  billDate: tradeBillRequestSchema.shape.billDate,
  accountType: z.enum(["BASIC", "OPERATION", "FEES"]).default("BASIC"),
  gzip: z.boolean().default(true),
});

export type FundFlowBillRequest = z.input<typeof fundFlowBillRequestSchema>;

const applicationSchema = z.object({
  hash_type: z.literal("SHA1"),
  hash_value: z.string().regex(/^[0-9a-fA-F]{40}$/),
  download_url: z.string().url(),
});

/** A bill on its way: the file as a stream, and what to check it against once read. */
export interface DownloadedBill {
  /** The file's bytes as WeChat sends them (gzip when `gzip`), not buffered. */
  readonly body: Readable;
  readonly gzip: boolean;
  readonly hashType: "SHA1";
  /** SHA1 of the uncompressed file, from the signed application answer. */
  readonly hashValue: string;
}

export async function downloadTradeBill(pay: Pay, input: TradeBillRequest): Promise<DownloadedBill> {
  const request = parseInput(tradeBillRequestSchema, input, "tradeBill");
  const applied = await pay.tradebill({
    bill_date: request.billDate,
    bill_type: request.billType,
    ...(request.gzip ? { tar_type: "GZIP" } : {}),
  } as Parameters<Pay["tradebill"]>[0]);
  return download(pay, "tradebill", applied.data, request.gzip);
}

export async function downloadFundFlowBill(pay: Pay, input: FundFlowBillRequest): Promise<DownloadedBill> {
  const request = parseInput(fundFlowBillRequestSchema, input, "fundFlowBill");
  const applied = await pay.fundflowbill({
    bill_date: request.billDate,
    account_type: request.accountType,
    ...(request.gzip ? { tar_type: "GZIP" } : {}),
  } as Parameters<Pay["fundflowbill"]>[0]);
  return download(pay, "fundflowbill", applied.data, request.gzip);
}

async function download(pay: Pay, api: string, data: unknown, gzip: boolean): Promise<DownloadedBill> {
  const answer = applicationSchema.safeParse(data);
  if (!answer.success) {
    const field = answer.error.issues[0]?.path.join(".") ?? "answer";
    throw new ProviderError(`wechatpay ${api} answer: ${field} is missing or malformed`, {
      provider: "wechatpay",
    });
  }
  // 下载账单: the library signs the GET for the production URL; the transport streams the file.
  const file = await pay.downloadBill(answer.data.download_url);
  return {
    body: file.data as Readable,
    gzip,
    hashType: "SHA1",
    hashValue: answer.data.hash_value.toLowerCase(),
  };
}
