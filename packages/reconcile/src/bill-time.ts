import { parseBeijingDashed, UnknownStatusError } from "@paybridge/core/provider-kit";
import { BillFormatError } from "./bill-format-error.js";

/**
 * A bill's "yyyy-MM-dd HH:mm:ss" Beijing time, as both providers print bill times, read by core's
 * one Beijing-time module; a bad time is refused as a bill format error naming the line and column.
 */
export function parseBillTime(text: string, bill: string, line: number, column: string): Date {
  try {
    return parseBeijingDashed(text, { field: column });
  } catch (error) {
    if (error instanceof UnknownStatusError)
      throw new BillFormatError(
        bill,
        line,
        `${column} must be a real "yyyy-MM-dd HH:mm:ss", got ${JSON.stringify(text)}`,
      );
    throw error;
  }
}

const HOUR_PREFIX = 13; // "yyyy-MM-dd HH"
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Two ASCII digits at `at` making 00-59, or -1. */
function sixty(text: string, at: number): number {
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  if (!isDigit(a) || !isDigit(b) || a > 53) return -1;
  return (a - 48) * 10 + (b - 48);
}

/**
 * parseBillTime for the rows of one bill, which come in time order and share their day and hour by
 * the thousand: the "yyyy-MM-dd HH" of the last row is kept with its instant (read and checked by
 * core's parseBeijingDashed on the first row of that hour), so a later row in the same hour only
 * has its minutes and seconds read (00-59 each, as core accepts). A text of any other shape
 * (".SSS", a new hour, a bad value) goes to parseBillTime whole, and so gets its error.
 */
export class BillTimeReader {
  #prefix = "";
  #hourMs = 0;

  read(text: string, bill: string, line: number, column: string): Date {
    if (text.length === HOUR_PREFIX + 6 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58) {
      const minutes = sixty(text, 14);
      const seconds = sixty(text, 17);
      if (minutes >= 0 && seconds >= 0) {
        const withinHourMs = minutes * 60_000 + seconds * 1000;
        if (this.#prefix !== "" && text.startsWith(this.#prefix))
          return new Date(this.#hourMs + withinHourMs);
        const at = parseBillTime(text, bill, line, column);
        this.#prefix = text.slice(0, HOUR_PREFIX);
        this.#hourMs = at.getTime() - withinHourMs;
        return at;
      }
    }
    return parseBillTime(text, bill, line, column);
  }
}
