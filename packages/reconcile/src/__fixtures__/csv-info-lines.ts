import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { BILL_CSV_OPTIONS, type NumberedCsvOptions } from "../numbered-csv.js";

/**
 * csv-parse's own answer, the one the bill parsers used to read: every record of `text` with the
 * `lines` of its `info: true` snapshot (https://csv.js.org/parse/options/info/), parsed with
 * BILL_CSV_OPTIONS and `options`.
 */
export async function infoSnapshotLines(
  text: string | readonly (Buffer | string)[],
  options: NumberedCsvOptions = {},
): Promise<{ record: string[]; line: number }[]> {
  const out: { record: string[]; line: number }[] = [];
  const chunks = typeof text === "string" ? [text] : text;
  const parser = Readable.from(chunks).pipe(parse({ ...BILL_CSV_OPTIONS, ...options, info: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)
    out.push({ record, line: info.lines });
  return out;
}
