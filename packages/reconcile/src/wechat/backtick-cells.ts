import { BillFormatError } from "../bill-format-error.js";

const BACKTICK = 96;

/**
 * WeChat bills print every value with a leading "`" so spreadsheet programs keep long numbers as
 * text
 * (https://pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter7_3_9.shtml). A row is checked once, without
 * copying it: every cell starts with "`" or is empty. Cells are then read one at a time with
 * `tickedCell`, so only the columns a record needs are ever copied (a trade-bill row has 27
 * cells of which a record reads about a dozen).
 */
export function checkTickedRow(record: readonly string[], bill: string, line: number): void {
  for (let i = 0; i < record.length; i++) {
    const cell = record[i] as string;
    if (cell.length !== 0 && cell.charCodeAt(0) !== BACKTICK) {
      throw new BillFormatError(
        bill,
        line,
        `every value must start with "\`", got ${JSON.stringify(cell.slice(0, 40))}`,
      );
    }
  }
}

/** The value of a cell that passed checkTickedRow, without its "`"; "" for a blank or absent cell. */
export function tickedCell(record: readonly string[], at: number): string {
  const cell = record[at];
  return cell === undefined || cell.length === 0 ? "" : cell.slice(1);
}

/** A whole row without its "`"s (summary rows: a handful of cells, read by name). */
export function untickedRow(record: readonly string[], bill: string, line: number): string[] {
  checkTickedRow(record, bill, line);
  return record.map((_, i) => tickedCell(record, i));
}
