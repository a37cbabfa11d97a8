import type { Readable, Transform } from "node:stream";
import iconv from "iconv-lite";
import { type NumberedRecord, numberedCsvRecords } from "../numbered-csv.js";

/**
 * The records of one of Alipay's bill CSVs (业务明细 or 账务明细 from the zip that
 * https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query points at),
 * each with its line: the bytes are GBK, decoded here, and values are padded with tabs and spaces,
 * trimmed. A read error of `input` reaches the reader.
 */
export function alipayCsvRecords(input: Readable): AsyncIterable<NumberedRecord> {
  // iconv-lite types decodeStream as NodeJS.ReadWriteStream; it is a stream.Transform (lib/streams.js).
  const decoded = input.pipe(iconv.decodeStream("gbk")) as Transform;
  input.on("error", (e) => decoded.destroy(e));
  return numberedCsvRecords(decoded, { trim: true });
}
