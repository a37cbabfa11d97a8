/**
 * The one place a provider's answer crosses from `unknown` into a typed wire shape: every
 * provider parses what it receives with a zod schema here instead of casting it (the pattern of
 * hyperswitch's `TryFrom` response structs in each connector's transformers.rs).
 */
import type { z } from "zod";
import { fastPathOf } from "../schemas/fast-path.js";
import { OutcomeUnknownError, type PaymentErrorOptions } from "./errors.js";

/** One field of an answer that did not have the shape PayBridge relies on. */
export interface AnswerIssue {
  /** The field's path in the answer, `amount.total` or `refund_detail_item_list.0.fund_channel`. */
  readonly field: string;
  /** The rule it broke, as zod words it (`expected string, received undefined`). */
  readonly rule: string;
}

/**
 * A provider answered with a shape PayBridge does not recognise: a field missing, of the wrong
 * type, or out of range. Nothing in such an answer is trusted, so the outcome of the call is
 * unknown: the caller queries before deciding, and a refund whose request may have reached the
 * provider stays open (the refund invariant). `field` names the first offending field.
 */
export class UnexpectedAnswerError extends OutcomeUnknownError {
  override readonly name = "UnexpectedAnswerError";
  readonly field: string;

  constructor(
    readonly method: string,
    readonly issues: readonly AnswerIssue[],
    options: PaymentErrorOptions = {},
  ) {
    const where = issues.map((i) => `${i.field}: ${i.rule}`).join("; ");
    const prefix = options.provider ? `${options.provider} ` : "";
    super(`${prefix}${method}: unexpected answer (${where}); query before deciding`, options);
    this.field = issues[0]?.field ?? "(answer)";
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), method: this.method, field: this.field, issues: this.issues };
  }
}

/** The issues of a failed parse, each with its dotted field path (`(answer)` for the root). */
export function answerIssues(error: z.ZodError): AnswerIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(answer)",
    rule: issue.message,
  }));
}

export interface ParseAnswerInput<S extends z.ZodType> {
  /** The provider id the error carries. */
  readonly provider: string;
  /** The call or notification the answer belongs to (`POST /v3/refund/domestic/refunds`). */
  readonly method: string;
  readonly schema: S;
  readonly value: unknown;
}

/**
 * Parses a provider's answer with its wire schema, or throws an UnexpectedAnswerError naming
 * every field that broke a rule. Schemas should be lenient about extra fields (providers add
 * them without notice) and strict about every field PayBridge reads.
 */
export function parseAnswer<S extends z.ZodType>({
  provider,
  method,
  schema,
  value,
}: ParseAnswerInput<S>): z.output<S> {
  // The schema's hand-written check for a well-formed answer, when it has one (fast-path.ts).
  const fast = fastPathOf(schema)?.(value);
  if (fast !== undefined) return fast;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UnexpectedAnswerError(method, answerIssues(result.error), { provider, cause: result.error });
}
