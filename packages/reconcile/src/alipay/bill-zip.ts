import type { Readable } from "node:stream";
import iconv from "iconv-lite";
import yauzl from "yauzl";
import { BillFormatError } from "../bill-format-error.js";

/** Which CSV of the zip: 业务明细 (trade) or 账务明细 (signcustomer); the (汇总) summaries are skipped. */
export type AlipayBillKind = "trade" | "signcustomer";

const WANTED: Record<AlipayBillKind, string> = { trade: "业务明细", signcustomer: "账务明细" };

/**
 * Opens the detail CSV inside the zip from bill_download_url
 * (https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query). yauzl
 * reads the central directory and inflates one entry as a stream, so memory stays flat for any
 * size when given a file path. Alipay writes entry names in GBK without the zip UTF-8 flag, so
 * names are decoded here rather than by yauzl's CP437 default.
 */
export async function openAlipayBillCsv(zip: string | Buffer, kind: AlipayBillKind): Promise<Readable> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const opts = { lazyEntries: true, decodeStrings: false, autoClose: true } as const;
    const done = (err: Error | null, z?: yauzl.ZipFile) => (err || !z ? reject(zipError(err)) : resolve(z));
    if (typeof zip === "string") yauzl.open(zip, opts, done);
    else yauzl.fromBuffer(zip, opts, done);
  });
  return new Promise<Readable>((resolve, reject) => {
    file.on("error", (e: Error) => reject(zipError(e)));
    file.on("end", () =>
      reject(new BillFormatError("Alipay bill zip", 0, `no ${WANTED[kind]} CSV in the zip`)),
    );
    file.on("entry", (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer | string;
      const name =
        typeof raw === "string"
          ? raw
          : (entry.generalPurposeBitFlag & 0x800) !== 0
            ? raw.toString("utf8")
            : iconv.decode(raw, "gbk");
      if (name.includes(WANTED[kind]) && !name.includes("汇总") && name.endsWith(".csv")) {
        file.openReadStream(entry, (err, stream) =>
          err || !stream ? reject(zipError(err)) : resolve(stream),
        );
      } else file.readEntry();
    });
    file.readEntry();
  });
}

function zipError(err: Error | null | undefined): BillFormatError {
  return new BillFormatError("Alipay bill zip", 0, `not a readable zip: ${err?.message ?? "unknown error"}`);
}
