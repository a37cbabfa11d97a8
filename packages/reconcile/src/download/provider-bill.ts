import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PaymentProvider } from "@paybridge/core";
import { ConfigurationError } from "@paybridge/core/provider-kit";
import { openAlipayBillCsv } from "../alipay/bill-zip.js";
import { parseAlipayTradeBill } from "../alipay/trade-bill.js";
import type { BillRecord } from "../bill-record.js";
import { verifiedBillStream } from "../wechat/bill-digest.js";
import { parseWechatTradeBill } from "../wechat/trade-bill.js";

/** What WeChat's providers (direct and partner) answer for tradeBill: the file and its SHA1. */
interface WechatBillDownload {
  readonly body: Readable;
  readonly gzip: boolean;
  readonly hashType: string;
  readonly hashValue: string;
}

/** What AlipayProvider answers for tradeBill: the zip from bill_download_url, as a stream. */
interface AlipayBillDownload {
  readonly downloadUrl: string;
  readonly body: Readable;
}

interface TradeBillDownloader {
  tradeBill(request: { readonly billDate: string }): Promise<WechatBillDownload | AlipayBillDownload>;
}

const canDownload = (p: PaymentProvider): p is PaymentProvider & TradeBillDownloader =>
  typeof (p as Partial<TradeBillDownloader>).tradeBill === "function";

/**
 * The day's trade bill of one merchant, downloaded from its provider and parsed as it streams:
 * WeChat Pay APIv3 (direct or partner, 申请交易账单 then the download_url, gunzipped and checked
 * against hash_value, https://pay.weixin.qq.com/doc/v3/merchant/4012556654) and Alipay
 * (alipay.data.dataservice.bill.downloadurl.query, then the zip,
 * https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query). The
 * Alipay zip is written to a private temporary file first, because a zip's directory is at its
 * end; it is removed when the rows have been read or reading stops. A provider with no tradeBill
 * (CloudPay: its bill is a cloud function's answer) is refused with ConfigurationError.
 */
export async function providerTradeBill(
  provider: PaymentProvider,
  billDate: string,
): Promise<AsyncIterable<BillRecord>> {
  if (!canDownload(provider)) {
    throw new ConfigurationError(
      `provider ${provider.id} has no tradeBill download: fetch its bill yourself and reconcile the file`,
    );
  }
  const bill = await provider.tradeBill({ billDate });
  if ("hashValue" in bill) {
    return parseWechatTradeBill(verifiedBillStream(bill.body, bill), { provider: "wechatpay" });
  }
  return alipayRows(bill.body);
}

async function* alipayRows(zip: Readable): AsyncGenerator<BillRecord> {
  const dir = await mkdtemp(join(tmpdir(), "paybridge-bill-"));
  try {
    const file = join(dir, "bill.zip");
    await pipeline(zip, createWriteStream(file, { mode: 0o600 }));
    yield* parseAlipayTradeBill(await openAlipayBillCsv(file, "trade"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
