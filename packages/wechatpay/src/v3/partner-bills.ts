import { createDecipheriv, type KeyObject } from "node:crypto";
import { pipeline, Readable, Transform } from "node:stream";
import { parseInput, UnexpectedAnswerError } from "@paybridge/core/provider-kit";
import { z } from "zod";
import {
  type DownloadedBill,
  fileStream,
  fundFlowBillRequestSchema,
  tradeBillRequestSchema,
} from "./bills.js";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import { v3SubMerchantFundFlowBillSchema } from "./partner-wire-types.js";
import { decryptSensitiveField } from "./sensitive-fields.js";
import { parseV3Answer } from "./transformers.js";
import { v3BillApplicationSchema } from "./wire-types.js";

/** What a partner bill call needs from the service provider's session: signed GETs and its private key. */
export interface PartnerBillSession {
  call(method: "GET", path: string): Promise<unknown>;
  readonly merchantKey: KeyObject;
}

const query = (fields: Record<string, string | undefined>) =>
  Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

/** The path and query of a download_url, which is what the signed GET names. */
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/**
 * 申请所有/单个子商户交易账单 (GET /v3/bill/tradebill with the optional sub_mchid,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/get-trade-bill.html): with
 * sub_mchid the bill holds that sub-merchant's orders only, without it every sub-merchant's of the
 * service provider. The answer and the download are the direct merchant's (SHA1 of the plain file).
 */
export async function partnerTradeBill(
  session: PartnerBillSession,
  subMchid: string | undefined,
  input: z.input<typeof tradeBillRequestSchema>,
): Promise<DownloadedBill> {
  const request = parseInput(tradeBillRequestSchema, input, "tradeBill");
  const path = `/v3/bill/tradebill?${query({
    bill_date: request.billDate,
    sub_mchid: subMchid,
    bill_type: request.billType,
    tar_type: request.gzip ? "GZIP" : undefined,
  })}`;
  const answer = parseV3Answer(
    "GET /v3/bill/tradebill",
    v3BillApplicationSchema,
    await session.call("GET", path),
  );
  return {
    body: fileStream(await session.call("GET", pathOf(answer.download_url))),
    gzip: request.gzip,
    hashType: "SHA1",
    hashValue: answer.hash_value.toLowerCase(),
  };
}

export const subMerchantFundFlowBillRequestSchema = z.strictObject({
  billDate: fundFlowBillRequestSchema.shape.billDate,
  // account_type is 必填 here (BASIC / OPERATION / FEES / DEPOSIT); PayBridge defaults it to BASIC.
  accountType: z.enum(["BASIC", "OPERATION", "FEES", "DEPOSIT"]).default("BASIC"),
  gzip: z.boolean().default(true),
});

export type SubMerchantFundFlowBillRequest = z.input<typeof subMerchantFundFlowBillRequestSchema>;

/** One part of an encrypted bill: its decrypted bytes (gzip when requested) and the SHA1 of the plain part. */
export type DecryptedBillPart = DownloadedBill & { readonly billSequence: number };

/**
 * 申请单个子商户资金账单 (GET /v3/bill/sub-merchant-fundflowbill,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-mini-program-payment/get-sub-mch-fund-flow-bill.html)
 * and its download (https://pay.weixin.qq.com/doc/v3/partner/4014314390). The file is encrypted
 * ("文件解密", https://pay.weixin.qq.com/docs/partner/apis/combine-payment-identity/bill-download/get-sub-mch-fund-flow-bill.html):
 * encrypt_key is decrypted with the service provider's API private key (RSA-OAEP), and the
 * downloaded bytes, binary and not base64, are AEAD_AES_256_GCM with that key, the answer's nonce
 * and an empty associated_data. algorithm is always AEAD_AES_256_GCM: SM4_GCM is not offered.
 * Parts come back in bill_sequence order, each downloaded when the one before has been read (the
 * links live 5 minutes, so read the bill promptly); each part's GCM tag is checked when it ends.
 */
export async function subMerchantFundFlowBill(
  session: PartnerBillSession,
  subMchid: string,
  input: SubMerchantFundFlowBillRequest,
): Promise<DecryptedBillPart[]> {
  const request = parseInput(subMerchantFundFlowBillRequestSchema, input, "subMerchantFundFlowBill");
  const method = "GET /v3/bill/sub-merchant-fundflowbill";
  const path = `/v3/bill/sub-merchant-fundflowbill?${query({
    sub_mchid: subMchid,
    bill_date: request.billDate,
    account_type: request.accountType,
    algorithm: "AEAD_AES_256_GCM",
    tar_type: request.gzip ? "GZIP" : undefined,
  })}`;
  const answer = parseV3Answer(method, v3SubMerchantFundFlowBillSchema, await session.call("GET", path));
  const parts = [...answer.download_bill_list].sort((a, b) => a.bill_sequence - b.bill_sequence);
  return parts.map((part, i) => {
    if (part.bill_sequence !== i + 1) {
      throw new UnexpectedAnswerError(
        method,
        [{ field: "download_bill_list.bill_sequence", rule: "must run 1, 2, ... without gaps" }],
        { provider: WECHAT_V3_PROVIDER },
      );
    }
    const key = billKey(session.merchantKey, part.encrypt_key, method);
    return {
      billSequence: part.bill_sequence,
      body: lazyDecrypted(() => session.call("GET", pathOf(part.download_url)), key, part.nonce),
      gzip: request.gzip,
      hashType: "SHA1",
      hashValue: part.hash_value.toLowerCase(),
    };
  });
}

function billKey(merchantKey: KeyObject, encryptKey: string, method: string): Buffer {
  let key: Buffer;
  try {
    key = Buffer.from(decryptSensitiveField(merchantKey, encryptKey, "encrypt_key"), "utf8");
  } catch {
    throw new UnexpectedAnswerError(
      method,
      [
        {
          field: "download_bill_list.encrypt_key",
          rule: "must decrypt with the merchant private key (RSA-OAEP)",
        },
      ],
      { provider: WECHAT_V3_PROVIDER },
    );
  }
  if (key.length !== 32) {
    throw new UnexpectedAnswerError(
      method,
      [
        {
          field: "download_bill_list.encrypt_key",
          rule: `must hold a 32-byte AES-256 key, got ${key.length} bytes`,
        },
      ],
      { provider: WECHAT_V3_PROVIDER },
    );
  }
  return key;
}

const TAG_BYTES = 16;

/**
 * AEAD_AES_256_GCM over a stream: the last 16 bytes of the file are the tag (WeChat's AEAD layout,
 * ciphertext then tag, as in notifications), so they are held back until the end, when the tag is
 * checked; a wrong key, nonce or a changed byte errors the stream there. Plaintext is passed on as
 * it is decrypted, so a reader must treat what it read as provisional until the stream ends, as
 * with the SHA1 check. Constant memory.
 */
export function gcmDecryptStream(key: Buffer, nonce: string): Transform {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "utf8"));
  decipher.setAAD(Buffer.alloc(0));
  let tail: Buffer = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const all = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
      const cut = Math.max(0, all.length - TAG_BYTES);
      tail = all.subarray(cut);
      done(null, cut > 0 ? decipher.update(all.subarray(0, cut)) : undefined);
    },
    flush(done) {
      try {
        if (tail.length !== TAG_BYTES) throw new Error("shorter than its GCM tag");
        decipher.setAuthTag(tail);
        const last = decipher.final();
        done(null, last.length > 0 ? last : undefined);
      } catch {
        done(
          new UnexpectedAnswerError(
            "GET /v3/billdownload/file",
            [
              {
                field: "(file)",
                rule: "must decrypt with encrypt_key and nonce (AEAD_AES_256_GCM tag check)",
              },
            ],
            { provider: WECHAT_V3_PROVIDER },
          ),
        );
      }
    },
  });
}

/** The decrypted part, its download started on the first read (so parts are fetched one after another). */
function lazyDecrypted(open: () => Promise<unknown>, key: Buffer, nonce: string): Readable {
  return Readable.from(
    (async function* () {
      const decrypt = gcmDecryptStream(key, nonce);
      // pipeline destroys both on either's error, so the error reaches the loop below.
      pipeline(fileStream(await open()), decrypt, () => {});
      yield* decrypt;
    })(),
    { objectMode: false },
  );
}
