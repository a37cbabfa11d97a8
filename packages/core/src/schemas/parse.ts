import type { z } from "zod";
import { ValidationError } from "../errors/errors.js";
import { fastPathOf } from "./fast-path.js";

/**
 * Parses `value` with `schema`, or throws a ValidationError whose message names every failing
 * field by its dotted path ("refund.outRefundNo: ..."), so callers see which field and which rule.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  // A schema's hand-written check for its common shape, when it has one (fast-path.ts).
  const fast = fastPathOf(schema)?.(value);
  if (fast !== undefined) return fast;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  const first = issues[0] ?? { path: root, message: "invalid" };
  const message = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return throwValidation(first.path, message, issues);
}

function throwValidation(field: string, message: string, issues: { path: string; message: string }[]): never {
  throw new ValidationError(field, message, issues);
}
