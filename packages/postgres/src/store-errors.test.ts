import { RefundRuleError, StoreUnavailableError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { isTransientStoreError, sqlStateOf, toStoreError } from "./store-errors.js";

/** The shape of pg's (and PGlite's) DatabaseError: a server message with severity and SQLSTATE. */
const dbError = (code: string) =>
  Object.assign(new Error(`server said ${code}`), { code, severity: "ERROR" });

describe("store errors", () => {
  it("reads a SQLSTATE only from a server message, never from a socket error code", () => {
    expect(sqlStateOf(dbError("57P01"))).toBe("57P01");
    expect(sqlStateOf(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))).toBeUndefined();
    expect(sqlStateOf(undefined)).toBeUndefined();
  });

  it("classifies unavailability and per-transaction failures as transient, a wrong statement as final", () => {
    for (const code of [
      "57P01",
      "57014",
      "08006",
      "08001",
      "53300",
      "40001",
      "40P01",
      "55P03",
      "25P03",
      "58030",
    ])
      expect(isTransientStoreError(dbError(code)), code).toBe(true);
    for (const code of ["42P01", "23505", "22003", "42601"])
      expect(isTransientStoreError(dbError(code)), code).toBe(false);
    expect(isTransientStoreError(new Error("Connection terminated unexpectedly"))).toBe(true);
  });

  it("wraps driver errors in StoreUnavailableError with cause and SQLSTATE, and passes PayBridge errors through", () => {
    const cause = dbError("57P01");
    const wrapped = toStoreError(cause, "a query") as StoreUnavailableError;
    expect(wrapped).toBeInstanceOf(StoreUnavailableError);
    expect(wrapped).toMatchObject({ sqlState: "57P01", retryable: true, code: "STORE_UNAVAILABLE" });
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.toJSON()).toMatchObject({ sqlState: "57P01", retryable: true });
    expect(toStoreError(dbError("42P01"), "a query")).toMatchObject({ sqlState: "42P01", retryable: false });
    const own = new RefundRuleError("sum", "over the paid amount");
    expect(toStoreError(own, "a transaction")).toBe(own);
  });
});

describe("store errors on embedded PGlite", () => {
  it("are StoreUnavailableError too, with the SQLSTATE", async () => {
    const { openPglite } = await import("./pglite-client.js");
    const db = await openPglite();
    try {
      const missing = await db.query("SELECT * FROM no_such_table").catch((e: unknown) => e);
      expect(missing).toMatchObject({ name: "StoreUnavailableError", sqlState: "42P01", retryable: false });
      const inTx = await db.transaction((tx) => tx.query("SELECT 1/0")).catch((e: unknown) => e);
      expect(inTx).toMatchObject({ name: "StoreUnavailableError", sqlState: "22012" });
      const own = await db
        .transaction(async () => {
          throw new RefundRuleError("sum", "over");
        })
        .catch((e: unknown) => e);
      expect(own).toBeInstanceOf(RefundRuleError);
    } finally {
      await db.close();
    }
  });
});
