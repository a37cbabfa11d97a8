import { normalizeAnswer, unknownOutcome } from "./envelope.js";
import { cloudPayError } from "./errors.js";

/**
 * downloadBill's text table (https://pay.weixin.qq.com/doc/v2/merchant/4011935219, wrapped by
 * CloudPay.downloadBill): the first line is the header; each record line follows, every value
 * prefixed with a backquote (so spreadsheets keep long numbers as text); the second-to-last line
 * is the summary header and the last line the summary values.
 */
export interface BillTable {
  readonly header: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
  readonly summary: Readonly<Record<string, string>> | undefined;
}

function cells(line: string): string[] {
  return line.split(",").map((c) => c.trim().replace(/^`/, ""));
}

function zip(keys: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  keys.forEach((k, i) => {
    out[k] = values[i] ?? "";
  });
  return out;
}

export function parseBillTable(text: string): BillTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const [headerLine, ...rest] = lines;
  if (headerLine === undefined) throw unknownOutcome("downloadBill", "the bill is empty (no header line)");
  const header = cells(headerLine);
  // The summary header is the line without a leading backquote after the records.
  const summaryAt = rest.findIndex((l) => !l.startsWith("`"));
  const records = summaryAt < 0 ? rest : rest.slice(0, summaryAt);
  const rows = records.map((line, i) => {
    const values = cells(line);
    if (values.length !== header.length) {
      throw unknownOutcome(
        "downloadBill",
        `bill line ${i + 2} has ${values.length} fields, the header has ${header.length}`,
      );
    }
    return zip(header, values);
  });
  const summaryHeader = summaryAt < 0 ? undefined : rest[summaryAt];
  const summaryValues = summaryAt < 0 ? undefined : rest[summaryAt + 1];
  const summary =
    summaryHeader !== undefined && summaryValues !== undefined
      ? zip(cells(summaryHeader), cells(summaryValues))
      : undefined;
  return { header, rows, summary };
}

/**
 * downloadBill answers differently from the other methods: on failure returnCode FAIL with
 * returnMsg and errorCode (no result_code); on success the table itself.
 */
export function readBillAnswer(raw: unknown): BillTable {
  const data = normalizeAnswer("downloadBill", raw);
  if (data.return_code === "FAIL") {
    const code =
      typeof data.error_code === "string" && data.error_code ? data.error_code : "RETURN_CODE_FAIL";
    throw cloudPayError({
      code,
      message: typeof data.return_msg === "string" ? data.return_msg : undefined,
    });
  }
  if (typeof data.data !== "string") {
    throw unknownOutcome("downloadBill", "the answer holds no bill text in `data`");
  }
  return parseBillTable(data.data);
}
