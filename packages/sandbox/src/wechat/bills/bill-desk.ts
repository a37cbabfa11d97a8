import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { WechatMerchantEngine } from "../engine/engine.js";
import { WechatEngineError } from "../engine/errors.js";
import { type FundAccountType, wechatFundFlowBill } from "./fund-flow-bill.js";
import { beijingDate, type TradeBillType, wechatTradeBill } from "./trade-bill.js";

/** What 申请交易账单 answers (https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-trade-bill.html). */
export interface BillApplication {
  readonly hash_type: "SHA1";
  /** SHA1 of the bill file before compression. */
  readonly hash_value: string;
  readonly download_url: string;
}

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
    const billType = (query.get("bill_type") ?? "ALL") as TradeBillType;
    if (!BILL_TYPES.includes(billType)) {
      throw new WechatEngineError("PARAM_ERROR", "bill_type 只能是 ALL、SUCCESS、REFUND");
    }
    return this.issue(mchid, query, `trade/${billType}`, (orders, refunds, billDate) =>
      wechatTradeBill({ mchid, orders, refunds, billDate, billType }),
    );
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
    return this.issue(mchid, query, `fund/${accountType}`, (orders, refunds, billDate) =>
      wechatFundFlowBill({ orders, refunds, billDate, accountType }),
    );
  }

  private issue(
    mchid: string,
    query: URLSearchParams,
    kind: string,
    render: (
      orders: ReturnType<WechatMerchantEngine["listOrders"]>,
      refunds: ReturnType<WechatMerchantEngine["refundsOf"]>,
      billDate: string,
    ) => string,
  ): BillApplication {
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
    const text = this.snapshot(mchid, billDate, kind, render);
    const token = randomBytes(16).toString("hex");
    const plain = Buffer.from(text, "utf8");
    this.files.set(token, { mchid, bytes: tarType === "GZIP" ? gzipSync(plain) : plain });
    return {
      hash_type: "SHA1",
      hash_value: createHash("sha1").update(plain).digest("hex"),
      // The production address, as WeChat answers it: clients send it to whichever origin they call.
      download_url: `https://api.mch.weixin.qq.com/v3/billdownload/file?token=${token}`,
    };
  }

  /** The file behind a download_url; only the merchant that applied for it may fetch it. */
  download(mchid: string, token: string | null): Buffer {
    const file = token === null ? undefined : this.files.get(token);
    if (!file || file.mchid !== mchid) throw new WechatEngineError("NO_STATEMENT_EXIST", "账单下载链接无效");
    return file.bytes;
  }

  private snapshot(
    mchid: string,
    billDate: string,
    kind: string,
    render: Parameters<WechatBillDesk["issue"]>[3],
  ): string {
    const key = `${mchid}/${billDate}/${kind}`;
    const kept = this.snapshots.get(key);
    if (kept !== undefined) return kept;
    const orders = this.engine.listOrders(mchid);
    const refunds = orders.flatMap((o) => this.engine.refundsOf(o.outTradeNo, mchid));
    const text = render(orders, refunds, billDate);
    this.snapshots.set(key, text);
    return text;
  }
}
