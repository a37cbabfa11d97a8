import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import { fastPathOf } from "../schemas/fast-path.js";

/** One input on which a schema's fast path and the schema itself disagree. */
export type FastPathDisagreement =
  | {
      /** The fast path accepted an input the schema refuses. */
      readonly kind: "schema_refuses";
      readonly input: unknown;
      readonly fast: unknown;
      readonly issues: readonly z.core.$ZodIssue[];
    }
  | {
      /** Both accepted the input, with different outputs. */
      readonly kind: "different_output";
      readonly input: unknown;
      readonly fast: unknown;
      readonly schema: unknown;
    };

/** What {@link fastPathDisagreements} found over the inputs it was given. */
export interface FastPathAgreement {
  /** How many inputs were tried. */
  readonly checked: number;
  /** How many the fast path accepted (the rest it declined, leaving them to the schema). */
  readonly taken: number;
  /** Every input the fast path accepted where the schema refuses it or parses it differently. */
  readonly disagreements: readonly FastPathDisagreement[];
}

/**
 * Checks the fast path registered on `schema` (withFastPath in `@paybridge/core/provider-kit`)
 * against the schema on each of `inputs`: a fast path may decline anything, but what it accepts the
 * schema must accept, with an output deeply and strictly equal to the schema's (node:util's
 * isDeepStrictEqual: same prototypes, no property the other lacks, even one holding undefined).
 *
 * Give it valid inputs and many mutations of them (each field removed, each set to odd values,
 * unknown keys, inherited keys), then assert `disagreements` is empty and `taken` is large enough
 * that the fast path is really exercised. It asserts nothing itself and needs no test runner.
 *
 * @throws Error when `schema` has no fast path (checking it would prove nothing).
 */
export function fastPathDisagreements<S extends z.ZodType>(
  schema: S,
  inputs: Iterable<unknown>,
): FastPathAgreement {
  const fast = fastPathOf(schema);
  if (!fast) throw new Error("fastPathDisagreements: the schema has no fast path (see withFastPath)");
  let checked = 0;
  let taken = 0;
  const disagreements: FastPathDisagreement[] = [];
  for (const input of inputs) {
    checked += 1;
    const got = fast(input);
    if (got === undefined) continue;
    taken += 1;
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      disagreements.push({ kind: "schema_refuses", input, fast: got, issues: parsed.error.issues });
    } else if (!isDeepStrictEqual(got, parsed.data)) {
      disagreements.push({ kind: "different_output", input, fast: got, schema: parsed.data });
    }
  }
  return { checked, taken, disagreements };
}
