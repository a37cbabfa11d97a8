import { Readable } from "node:stream";
import { isBeijingDay, parseInput, UnexpectedAnswerError } from "@paybridge/core/provider-kit";
import type Pay from "wechatpay-node-v3";
import { z } from "zod";
import { parseV3Answer } from "./transformers.js";
import { v3BillApplicationSchema } from "./wire-types.js";

/**
 * 申请交易账单 (GET /v3/bill/tradebill, https://pay.weixin.qq.com/doc/v3/merchant/4012556654):
 * yesterday's bill exists after 10:00 Beijing time, the last three months are served. The answer
 * (signed, verified like every answer) names a download_url and the SHA1 of the uncompressed file.
 */
export const tradeBillRequestSchema = z.strictObject({
  billDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date yyyy-MM-dd (Beijing time)" })
    .refine(isBeijingDay, {
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
  });
  return download(pay, "tradebill", applied.data, request.gzip);
}

export async function downloadFundFlowBill(pay: Pay, input: FundFlowBillRequest): Promise<DownloadedBill> {
  const request = parseInput(fundFlowBillRequestSchema, input, "fundFlowBill");
  const applied = await pay.fundflowbill({
    bill_date: request.billDate,
    account_type: request.accountType,
    ...(request.gzip ? { tar_type: "GZIP" } : {}),
  });
  return download(pay, "fundflowbill", applied.data, request.gzip);
}

async function download(pay: Pay, api: string, data: unknown, gzip: boolean): Promise<DownloadedBill> {
  // 申请账单 answer: hash_type, hash_value and download_url, parsed with its schema (wire-types.ts).
  const answer = parseV3Answer(`GET /v3/bill/${api}`, v3BillApplicationSchema, data);
  // 下载账单: the library signs the GET for the production URL; the transport streams the file.
  const file = await pay.downloadBill(answer.download_url);
  return {
    body: fileStream(file.data),
    gzip,
    hashType: "SHA1",
    hashValue: answer.hash_value.toLowerCase(),
  };
}

/** 下载账单 answers the file itself; the transport hands it on as the response stream. */
export function fileStream(data: unknown): Readable {
  if (data instanceof Readable) return data;
  throw new UnexpectedAnswerError(
    "GET /v3/billdownload/file",
    [{ field: "(answer)", rule: "must be the file" }],
    {
      provider: "wechatpay",
    },
  );
}
