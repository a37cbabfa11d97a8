import { parseBeijingDashed, UnknownStatusError } from "@paybridge/core";
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
