import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { PaymentGateway, PaymentLedger, RefundLedger } from "@paybridge/core";
import { ConfigurationError } from "@paybridge/core/provider-kit";

/**
 * What the app module's `reconcile()` (or the worker's `recovery()`, so one module serves both
 * commands) returns: the gateway whose merchants' bills are downloaded, the ledgers they are
 * matched against (`refunds` a RefundLedger or a RefundService holding one), and close().
 */
export interface ReconcileApp {
  readonly gateway: PaymentGateway;
  readonly payments?: PaymentLedger | undefined;
  readonly refunds: RefundLedger | { readonly ledger: RefundLedger };
  readonly close?: () => Promise<void>;
}

export async function loadReconcileApp(path: string): Promise<ReconcileApp> {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const factory = mod.reconcile ?? mod.recovery ?? mod.default;
  if (typeof factory !== "function") {
    throw new ConfigurationError(
      `${path} must export a function reconcile() returning { gateway, payments, refunds }`,
    );
  }
  return (await factory()) as ReconcileApp;
}

/** The refund ledger of an app's `refunds`, whichever of the two it is. */
export function refundLedgerOf(refunds: ReconcileApp["refunds"]): RefundLedger {
  return "ledger" in refunds ? refunds.ledger : refunds;
}
