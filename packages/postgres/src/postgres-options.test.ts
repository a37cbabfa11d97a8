import { MemoryLogger, ValidationError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { resolvePostgresOptions } from "./postgres-options.js";

function issuesOf(options: unknown): readonly { path: string; message: string }[] {
  try {
    resolvePostgresOptions(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error("expected a ValidationError");
}

describe("resolvePostgresOptions (checked by hand, without zod)", () => {
  it("keeps what is given and fills the rest", () => {
    const logger = new MemoryLogger();
    expect(
      resolvePostgresOptions({
        max: 3,
        queryTimeoutMs: 20_000,
        applicationName: "shop",
        transactionRetries: 0,
        logger,
      }),
    ).toEqual({
      max: 3,
      connectionTimeoutMs: 5_000,
      statementTimeoutMs: 15_000,
      lockTimeoutMs: 5_000,
      idleInTransactionTimeoutMs: 60_000,
      queryTimeoutMs: 20_000,
      idleTimeoutMs: 10_000,
      applicationName: "shop",
      transactionRetries: 0,
      logger,
    });
  });

  it("names every bad field with its rule, in one error", () => {
    expect(
      issuesOf({
        max: 1001,
        queryTimeoutMs: 3_600_001,
        transactionRetries: -1,
        logger: {},
        idleTimeoutMs: "10",
      }),
    ).toEqual([
      { path: "postgres.max", message: "must be at most 1000" },
      { path: "postgres.idleTimeoutMs", message: "must be a number of milliseconds" },
      { path: "postgres.transactionRetries", message: "must not be negative" },
      { path: "postgres.queryTimeoutMs", message: "must be at most 3600000 ms" },
      { path: "postgres.logger", message: "must be a Logger (pino-shaped: warn(obj, msg))" },
    ]);
  });

  it("refuses unknown options and a non-object", () => {
    expect(issuesOf({ connectTimeout: 5, poolSize: 2 })).toEqual([
      { path: "postgres", message: 'Unrecognized keys: "connectTimeout", "poolSize"' },
    ]);
    expect(issuesOf({ applicationName: "caf\u00e9" })).toEqual([
      { path: "postgres.applicationName", message: "must be 1-63 printable ASCII characters" },
    ]);
    expect(() => resolvePostgresOptions(null as never)).toThrow(/postgres: must be an object/);
  });
});
