import { BillFormatError } from "./bill-format-error.js";

const YUAN = /^(-)?(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;

/**
 * A signed yuan amount as printed in a bill ("12.30", "-0.06", "0") to integer fen, by string
 * arithmetic: a float never touches money. Bills print refunds and fees with a minus sign.
 */
export function billYuanToFen(text: string, bill: string, line: number, column: string): number {
  const m = YUAN.exec(text);
  if (m === null)
    throw new BillFormatError(
      bill,
      line,
      `${column} must be a yuan amount with at most two decimals, got ${JSON.stringify(text)}`,
    );
  const fen = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(fen))
    throw new BillFormatError(bill, line, `${column} is past Number.MAX_SAFE_INTEGER fen`);
  return m[1] === "-" ? -fen : fen;
}
