import type { z } from "zod";

/**
 * A hand-written check for the common shape of one schema's input (parseInput) or answer
 * (parseAnswer): returns the parsed value when
 * the input is certainly valid, or undefined to hand the input to the schema itself (for anything
 * unusual, and for every invalid input, so the schema alone words each error). It must never
 * accept what the schema refuses, and what it returns must equal the schema's output.
 *
 * Why: a refund or a query and its answer are validated on every call, and zod's generic object
 * walk was the largest share of what PayBridge adds to a refund + query round trip through the
 * WeChat simulator (docs/performance.md, section 1). A fast path must be tested against its
 * schema on valid inputs and on mutations of them: fastPathDisagreements in
 * `@paybridge/core/testkit` does the comparison (fast-path.test.ts shows the mutations).
 */
export type FastPath<S extends z.ZodType> = (value: unknown) => z.output<S> | undefined;

const fastPaths = new WeakMap<z.ZodType, (value: unknown) => unknown>();

/** Registers `check` as `schema`'s fast path for parseInput; returns the schema. */
export function withFastPath<S extends z.ZodType>(schema: S, check: FastPath<S>): S {
  fastPaths.set(schema, check);
  return schema;
}

/** The fast path registered for `schema`, if any. */
export function fastPathOf<S extends z.ZodType>(schema: S): FastPath<S> | undefined {
  return fastPaths.get(schema) as FastPath<S> | undefined;
}

/** An object made by a literal or Object.create(null): the only kind the fast paths look into. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** True when every own key of `value` is in `allowed` and none holds undefined. */
export function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    if (!allowed.has(key) || value[key] === undefined) return false;
  }
  return true;
}
