import type { Readable } from "node:stream";
import { type Options, Parser } from "csv-parse";

/** One CSV record and the line of the file it ends on (1-based, as csv-parse counts lines). */
export interface NumberedRecord {
  readonly record: string[];
  readonly line: number;
}

/**
 * The options every bill parser reads its CSV with: a UTF-8 BOM is dropped, rows may differ in
 * width (the summary rows are narrower; the parsers check widths themselves and name the line),
 * blank lines are skipped and a quote inside an unquoted value is kept as text.
 */
export const BILL_CSV_OPTIONS = {
  bom: true,
  relax_column_count: true,
  skip_empty_lines: true,
  relax_quotes: true,
} as const satisfies Options;

/**
 * csv-parse's `info: true` gives each record a snapshot of the parser's statistics: two object
 * spreads of a dozen properties and a wrapper per record, for the one figure a bill parser reads
 * (the line, for error messages and reports). On a million-row bill that was most of the garbage
 * the parse made (a csv-parse pass over the reconcile benchmark's 500,000 rows: peak RSS growth
 * 72 MiB with `info`, 46 MiB without). This parser pushes each record with the line read from the
 * parser's live statistics instead (`parser.info`, https://csv.js.org/parse/api/stream/ ): a
 * record is pushed the moment its last value ends, when `info.lines` is the value the snapshot
 * would have held (numbered-csv.test.ts checks both against each other).
 */
class NumberingParser extends Parser {
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null);
    const record = chunk as string[];
    // csv-parse 5 compares every record's width with the *first* record's and, when they differ,
    // builds a CsvError (a stack trace and a JSON copy of the record) even under
    // relax_column_count, which then only counts it in `info.invalid_field_length`
    // (__onRecord in https://github.com/adaltas/node-csv/blob/master/packages/csv-parse/lib/api/index.js ).
    // An Alipay bill opens with a one-value "#" title line, so every detail row paid for an unused
    // error: half the CPU of a 500,000-row trade bill. Comparing each record with the one before
    // instead (the parser exposes its `state` on the stream) builds one only where the width
    // changes; the bill parsers check widths themselves. numbered-csv.test.ts checks the count.
    (this as unknown as { state: { expectedRecordLength: number } }).state.expectedRecordLength =
      record.length;
    const numbered: NumberedRecord = { record, line: this.info.lines };
    return super.push(numbered, encoding);
  }
}

/** What a bill may add to BILL_CSV_OPTIONS: `trim` for Alipay's values padded with tabs and spaces. */
export interface NumberedCsvOptions {
  readonly trim?: boolean;
}

/**
 * Pipes `input` (a bill's decompressed bytes, or its decoded text) through csv-parse with
 * BILL_CSV_OPTIONS and `options`, each record with its line.
 */
export function numberedCsvRecords(
  input: Readable,
  options: NumberedCsvOptions = {},
): AsyncIterable<NumberedRecord> {
  const parser = input.pipe(new NumberingParser({ ...BILL_CSV_OPTIONS, ...options }));
  input.on("error", (e) => parser.destroy(e));
  return parser;
}
