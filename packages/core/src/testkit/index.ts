// `@paybridge/core/testkit`: the conformance and contract suites a provider or store runs (vitest),
// and fastPathDisagreements, which checks a schema's fast path against the schema (no test runner).
export { runProviderConformance, uniqueOutTradeNo } from "./conformance.js";
export {
  type FastPathAgreement,
  type FastPathDisagreement,
  fastPathDisagreements,
} from "./fast-path-agreement.js";
export type {
  ConformanceHarness,
  ConformanceOptions,
  InPersonBuyer,
  InPersonConformanceOptions,
  InPersonHarness,
  SubMerchantConformanceOptions,
  SubMerchantHarness,
} from "./harness.js";
export { runInPersonConformance } from "./in-person-conformance.js";
export { type LedgerContractOptions, runRefundLedgerContract } from "./ledger-contract.js";
export { type OutboxContractOptions, runOutboxContract } from "./outbox-contract.js";
export { type PaymentLedgerContractOptions, runPaymentLedgerContract } from "./payment-ledger-contract.js";
export { runSubMerchantConformance } from "./sub-merchant-conformance.js";
