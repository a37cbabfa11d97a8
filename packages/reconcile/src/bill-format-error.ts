import { ValidationError } from "@paybridge/core/provider-kit";

/**
 * A bill that does not follow its documented format. The message names the bill, the line and the
 * rule, so an operator can open the file at that line; nothing from a refused bill is reconciled.
 */
export class BillFormatError extends ValidationError {
  readonly line: number;
  constructor(bill: string, line: number, rule: string) {
    super(`line ${line}`, `${bill} line ${line}: ${rule}`);
    this.line = line;
  }
}
