import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { WechatMerchantEngine } from "../engine/engine.js";
import { WechatEngineError } from "../engine/errors.js";
import { encryptDownstream } from "../v3/sensitive-fields.js";
import { type FundAccountType, wechatFundFlowBill } from "./fund-flow-bill.js";
import { beijingDate, type TradeBillType, wechatTradeBill } from "./trade-bill.js";

/** What 申请交易账单 answers (https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-trade-bill.html). */
export interface BillApplication {
  readonly hash_type: "SHA1";
  /** SHA1 of the bill file before compression. */
  readonly hash_value: string;
  readonly download_url: string;
}

/** What 申请单个子商户资金账单 answers: one entry per part of the encrypted file. */
export interface SubMerchantFundFlowApplication {
  readonly download_bill_count: number;
  readonly download_bill_list: readonly {
    readonly bill_sequence: number;
    readonly download_url: string;
    readonly encrypt_key: string;
    readonly hash_type: "SHA1";
    /** SHA1 of the part before compression and encryption. */
    readonly hash_value: string;
    readonly nonce: string;
  }[];
}

type Render = (
  orders: ReturnType<WechatMerchantEngine["listOrders"]>,
  refunds: ReturnType<WechatMerchantEngine["refundsOf"]>,
  billDate: string,
) => string;

type SubAccountType = FundAccountType | "DEPOSIT";
const SUB_ACCOUNT_TYPES: readonly SubAccountType[] = ["BASIC", "OPERATION", "FEES", "DEPOSIT"];

interface StoredBill {
  readonly mchid: string;
  readonly bytes: Buffer;
}

const DAY_MS = 86_400_000;
const BILL_TYPES: readonly TradeBillType[] = ["ALL", "SUCCESS", "REFUND"];
const ACCOUNT_TYPES: readonly FundAccountType[] = ["BASIC", "OPERATION", "FEES"];

/**
 * Trade bills of the simulated merchants: generated from the engine's book the first time a day's
 * bill is applied for, then kept, so the bill is a snapshot as WeChat's is (a refund that settles
 * later does not change a bill already generated). WeChat generates yesterday's bill after 10:00
 * Beijing time and serves the last three months; the download link is fetched with a signed GET
 * and answers the file itself, unsigned.
 */
export class WechatBillDesk {
  private readonly snapshots = new Map<string, string>();
  private readonly files = new Map<string, StoredBill>();

  constructor(private readonly engine: WechatMerchantEngine) {}

  apply(mchid: string, query: URLSearchParams): BillApplication {
    const billType = tradeBillType(query);
    return this.issue(mchid, [mchid], query, `trade/${billType}`, (orders, refunds, billDate) =>
      wechatTradeBill({ mchid, orders, refunds, billDate, billType }),
    );
  }

  /**
   * 申请所有/单个子商户交易账单 (GET /v3/bill/tradebill for a 服务商,
   * https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/get-trade-bill.html): the
   * orders of `subMchids` (one sub-merchant when sub_mchid was given, else all of the service
   * provider's), 商户号 printed as the service provider and 特约商户号 as each row's sub-merchant.
   */
  applyPartner(spMchid: string, subMchids: readonly string[], query: URLSearchParams): BillApplication {
    const billType = tradeBillType(query);
    const scope = query.get("sub_mchid") ?? "*";
    return this.issue(spMchid, subMchids, query, `trade/${billType}/${scope}`, (orders, refunds, billDate) =>
      wechatTradeBill({ mchid: spMchid, orders, refunds, billDate, billType, serviceProvider: true }),
    );
  }

  /**
   * 申请单个子商户资金账单 (GET /v3/bill/sub-merchant-fundflowbill,
   * https://pay.weixin.qq.com/docs/partner/apis/partner-mini-program-payment/get-sub-mch-fund-flow-bill.html):
   * the sub-merchant's fund-flow bill, as one part (the sandbox's bills are far below the 16 GB at
   * which WeChat splits them), gzipped on tar_type=GZIP and then encrypted as "文件解密" on
   * https://pay.weixin.qq.com/docs/partner/apis/combine-payment-identity/bill-download/get-sub-mch-fund-flow-bill.html
   * describes it: AEAD_AES_256_GCM under a fresh 32-byte key with the answer's nonce and empty
   * associated_data, the tag after the ciphertext; the key is sent RSA-OAEP encrypted with the
   * service provider's API certificate public key. hash_value is the SHA1 of the plain bill.
   */
  applySubMerchantFundFlow(
    spMchid: string,
    spPublicKey: string,
    subMchid: string,
    query: URLSearchParams,
  ): SubMerchantFundFlowApplication {
    const accountType = query.get("account_type");
    if (accountType === null || !SUB_ACCOUNT_TYPES.includes(accountType as SubAccountType)) {
      throw new WechatEngineError("PARAM_ERROR", "account_type 必填,只能是 BASIC、OPERATION、FEES、DEPOSIT");
    }
    const algorithm = query.get("algorithm");
    if (algorithm !== "AEAD_AES_256_GCM") {
      throw new WechatEngineError(
        "PARAM_ERROR",
        algorithm === "SM4_GCM"
          ? "沙箱只模拟 AEAD_AES_256_GCM 加密的账单"
          : "algorithm 必填,只能是 AEAD_AES_256_GCM 或 SM4_GCM",
      );
    }
    // DEPOSIT (保证金账户) holds nothing in the sandbox, like OPERATION and FEES.
    const fundType: FundAccountType = accountType === "DEPOSIT" ? "FEES" : (accountType as FundAccountType);
    const plain = this.issueBytes(
      subMchid,
      [subMchid],
      query,
      `fund/${accountType}`,
      (orders, refunds, billDate) => wechatFundFlowBill({ orders, refunds, billDate, accountType: fundType }),
    );
    const key = randomBytes(24).toString("base64url").slice(0, 32);
    const nonce = randomBytes(8).toString("hex");
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "utf8"), Buffer.from(nonce, "utf8"));
    cipher.setAAD(Buffer.alloc(0));
    const body = query.get("tar_type") === "GZIP" ? gzipSync(plain) : plain;
    const file = Buffer.concat([cipher.update(body), cipher.final(), cipher.getAuthTag()]);
    const token = randomBytes(16).toString("hex");
    this.files.set(token, { mchid: spMchid, bytes: file });
    return {
      download_bill_count: 1,
      download_bill_list: [
        {
          bill_sequence: 1,
          download_url: `https://api.mch.weixin.qq.com/v3/billdownload/file?token=${token}`,
          encrypt_key: encryptDownstream(spPublicKey, key),
          hash_type: "SHA1",
          hash_value: createHash("sha1").update(plain).digest("hex"),
          nonce,
        },
      ],
    };
  }

  /**
   * 申请资金账单 (GET /v3/bill/fundflowbill, https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-fund-bill.html):
   * account_type BASIC (default), OPERATION or FEES; the same hash, gzip and download as the trade
   * bill. The page says the bill is generated from 09:00 and advises fetching after 10:00; the
   * sandbox serves it from 10:00 like the trade bill.
   */
  applyFundFlow(mchid: string, query: URLSearchParams): BillApplication {
    const accountType = (query.get("account_type") ?? "BASIC") as FundAccountType;
    if (!ACCOUNT_TYPES.includes(accountType)) {
      throw new WechatEngineError("PARAM_ERROR", "account_type 只能是 BASIC、OPERATION、FEES");
    }
    return this.issue(mchid, [mchid], query, `fund/${accountType}`, (orders, refunds, billDate) =>
      wechatFundFlowBill({ orders, refunds, billDate, accountType }),
    );
  }

  private issue(
    applicant: string,
    mchids: readonly string[],
    query: URLSearchParams,
    kind: string,
    render: Render,
  ): BillApplication {
    const plain = this.issueBytes(applicant, mchids, query, kind, render);
    const tarType = query.get("tar_type");
    const token = randomBytes(16).toString("hex");
    this.files.set(token, { mchid: applicant, bytes: tarType === "GZIP" ? gzipSync(plain) : plain });
    return {
      hash_type: "SHA1",
      hash_value: createHash("sha1").update(plain).digest("hex"),
      // The production address, as WeChat answers it: clients send it to whichever origin they call.
      download_url: `https://api.mch.weixin.qq.com/v3/billdownload/file?token=${token}`,
    };
  }

  /** The checks every bill application shares (day, tar_type, generated yet, three months), then the plain bill. */
  private issueBytes(
    applicant: string,
    mchids: readonly string[],
    query: URLSearchParams,
    kind: string,
    render: Render,
  ): Buffer {
    const billDate = query.get("bill_date") ?? "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate) || Number.isNaN(Date.parse(`${billDate}T00:00:00+08:00`))) {
      throw new WechatEngineError("PARAM_ERROR", "bill_date 格式为 yyyy-MM-DD");
    }
    const tarType = query.get("tar_type");
    if (tarType !== null && tarType !== "GZIP")
      throw new WechatEngineError("PARAM_ERROR", "tar_type 只能是 GZIP");
    const dayStart = Date.parse(`${billDate}T00:00:00+08:00`);
    const now = this.engine.now().getTime();
    if (now < dayStart + DAY_MS + 10 * 3_600_000) {
      throw new WechatEngineError("NO_STATEMENT_EXIST", `${billDate} 的账单尚未生成(次日 10 点后生成)`);
    }
    if (beijingDate(new Date(now - 92 * DAY_MS)) > billDate) {
      throw new WechatEngineError("NO_STATEMENT_EXIST", "仅支持三个月内的账单下载申请");
    }
    return Buffer.from(this.snapshot(applicant, mchids, billDate, kind, render), "utf8");
  }

  /** The file behind a download_url; only the merchant that applied for it may fetch it. */
  download(mchid: string, token: string | null): Buffer {
    const file = token === null ? undefined : this.files.get(token);
    if (!file || file.mchid !== mchid) throw new WechatEngineError("NO_STATEMENT_EXIST", "账单下载链接无效");
    return file.bytes;
  }

  private snapshot(
    applicant: string,
    mchids: readonly string[],
    billDate: string,
    kind: string,
    render: Render,
  ): string {
    const key = `${applicant}/${billDate}/${kind}`;
    const kept = this.snapshots.get(key);
    if (kept !== undefined) return kept;
    const orders = mchids.flatMap((m) => this.engine.listOrders(m));
    const refunds = orders.flatMap((o) => this.engine.refundsOf(o.outTradeNo, o.mchid));
    const text = render(orders, refunds, billDate);
    this.snapshots.set(key, text);
    return text;
  }
}

function tradeBillType(query: URLSearchParams): TradeBillType {
  const billType = (query.get("bill_type") ?? "ALL") as TradeBillType;
  if (!BILL_TYPES.includes(billType)) {
    throw new WechatEngineError("PARAM_ERROR", "bill_type 只能是 ALL、SUCCESS、REFUND");
  }
  return billType;
}
